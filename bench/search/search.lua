-- wrk script of the search benchmark (run.sh): every connection cycles through the benchmark's
-- queries as GET /v1/search requests, each with the bearer token of the query's tenant. The file
-- (after `--`) holds "TOKEN<TAB>PATH" lines; each wrk thread starts at its own offset. At the end
-- it prints key=value figures: latency percentiles (ms), requests/s, and failed requests
-- (non-2xx answers, connect/read/write errors, timeouts).
local requests = {}
local next_index = 1
local threads = {}

function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local token, path = line:match("^([^\t]+)\t(.+)$")
    table.insert(requests, wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token }))
  end
  if #requests == 0 then error("no requests in " .. tostring(args[1])) end
  next_index = (thread_number * 7919) % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format("http_requests=%d\n", summary.requests))
  io.write(string.format("http_errors=%d\n", e.connect + e.read + e.write + e.status + e.timeout))
  io.write(string.format("http_rps=%.1f\n", summary.requests / (summary.duration / 1e6)))
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("http_p%d_ms=%.3f\n", p, latency:percentile(p) / 1000))
  end
end
