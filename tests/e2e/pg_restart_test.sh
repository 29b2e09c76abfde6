#!/usr/bin/env bash
# PostgreSQL restarted under load (issue 17): `narralytica serve --workers 1` on a private
# PostgreSQL cluster of its own (not the suite's shared one, which other tests are using) while a
# client creates and reads videos without pause. The cluster is stopped for a few seconds, then
# started again. Checked:
#   - while it is down, every request is answered (no hang: each within 5 s) with 503 and an
#     RFC 9457 problem body, and /readyz says 503 while /healthz stays 200;
#   - once it is back, the same server answers 2xx again by itself (no restart), within 15 s;
#   - every video whose creation was answered 201 (before, during or after) is stored, and none
#     answered otherwise is; the server process never exited.
# Needs PostgreSQL's server binaries (scripts/pg-test-cluster.sh); skipped without them unless
# NARRALYTICA_TEST_REQUIRE_PG is set.
set -euo pipefail
bin=${1:?usage: pg_restart_test.sh NARRALYTICA_BINARY}
root=$(cd "$(dirname "$0")/../.." && pwd)
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PG_BIN/pg_ctl" ]; then
  if [ -n "${NARRALYTICA_TEST_REQUIRE_PG:-}" ]; then echo "FAIL: no PostgreSQL server binaries in $PG_BIN"; exit 1; fi
  echo "SKIP: no PostgreSQL server binaries in $PG_BIN"; exit 0
fi

work=$(mktemp -d)
server_pid=
cluster=
cleanup() {
  [ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$cluster" ] && "$root/scripts/pg-test-cluster.sh" stop "$cluster"
  rm -rf "$work"
}
trap cleanup EXIT

eval "$("$root/scripts/pg-test-cluster.sh" start | sed 's/NARRALYTICA_TEST_PG_URL/PRIVATE_PG_URL/')"
cluster=$PG_TEST_DIR
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port_of_cluster=${PRIVATE_PG_URL##*:}; port_of_cluster=${port_of_cluster%%/*}
pg_stop() { as_postgres "$PG_BIN/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null; }
pg_start() {
  as_postgres "$PG_BIN/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
    -o "-p $port_of_cluster -k $cluster -c listen_addresses=127.0.0.1" start >/dev/null
}

db=$PRIVATE_PG_URL
"$bin" --db "$db" migrate >/dev/null
"$bin" --db "$db" admin tenant create acme --name Acme >/dev/null
"$bin" --db "$db" admin user create ada@example.org --name Ada >/dev/null
"$bin" --db "$db" admin member add --tenant acme --user ada@example.org --role owner >/dev/null
token=$("$bin" --db "$db" admin token create --tenant acme --user ada@example.org --name restart 2>/dev/null |
  awk '$1=="secret"{print $2}')

"$bin" --db "$db" serve --listen 127.0.0.1:0 --workers 1 --quiet --no-rate-limits --data-dir "$work/data" \
  2>"$work/serve.err" &
server_pid=$!
port=
for _ in $(seq 300); do
  port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.err")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "FAIL: the server did not start"; cat "$work/serve.err"; exit 1; }

# The client: one thread creating and reading videos back to back; the driver stops and starts
# the cluster and says when through files; the client judges every answer by the phase it was
# sent in and prints a verdict.
PORT=$port TOKEN=$token WORK=$work python3 - <<'PY' &
import http.client, json, os, time
port, token, work = int(os.environ["PORT"]), os.environ["TOKEN"], os.environ["WORK"]
auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
def phase():  # "stopping", "starting": pg_ctl is under way, either answer is right
    for name in ("back", "starting", "down", "stopping"):
        if os.path.exists(work + "/" + name): return name
    return "up"
def request(method, path, body=None, headers=auth):
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        return answer.status, data, answer.getheader("Content-Type") or "", time.monotonic() - started
    finally:
        conn.close()
created, refused, problems, slow, statuses = [], 0, [], [], {}
recovered_after = None
n = 0
while not os.path.exists(work + "/stop"):
    at = phase()
    n += 1
    title = "restart-%d" % n
    status, data, ctype, took = request("POST", "/v1/videos", json.dumps({"title": title}))
    statuses.setdefault(at, {}).setdefault(status, 0)
    statuses[at][status] += 1
    if took > 5: slow.append((at, status, round(took, 2)))
    if status == 201:
        created.append(json.loads(data)["id"])
        if at == "back" and recovered_after is None:
            recovered_after = time.time() - os.path.getmtime(work + "/back")
    elif at in ("stopping", "starting") or (at == "back" and recovered_after is None and status == 503):
        refused += 1  # the database going, or the pool finding its old connections gone
    elif at in ("up", "back"):
        problems.append("answered %d while the database was up: %s" % (status, data[:200]))
    else:
        refused += 1
        if status != 503 or "application/problem+json" not in ctype or "detail" not in json.loads(data):
            problems.append("while %s: %d %s %s" % (at, status, ctype, data[:200]))
    if at == "down":
        r, _, _, _ = request("GET", "/readyz", headers={})
        h, _, _, _ = request("GET", "/healthz", headers={})
        if r != 503 or h != 200: problems.append("down: /readyz %d /healthz %d" % (r, h))
    time.sleep(0.005)
with open(work + "/verdict.json", "w") as f:
    json.dump({"created": created, "refused": refused, "problems": problems, "slow": slow,
               "statuses": statuses, "recovered_after": recovered_after}, f)
PY
client=$!

sleep 2                       # load with the database up
touch "$work/stopping"; pg_stop
touch "$work/down"            # stopped: every answer from here must be 503 and quick
sleep 3
touch "$work/starting"; pg_start; touch "$work/back"
for _ in $(seq 300); do       # the server must recover by itself within 15 s
  curl -sf -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/videos?limit=1" && break
  sleep 0.05
done
sleep 2                       # load with the database back
touch "$work/stop"; wait "$client"

kill -0 "$server_pid" 2>/dev/null || { echo "FAIL: the server exited"; cat "$work/serve.err"; exit 1; }
stored=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/videos?limit=1000")
VERDICT=$work/verdict.json STORED=$stored python3 - <<'PY'
import json, os, sys
v = json.load(open(os.environ["VERDICT"]))
stored = {item["id"] for item in json.loads(os.environ["STORED"])["items"]}
print("answers by phase and status:", v["statuses"])
print("created %d, refused %d, recovered %.2f s after the database was back" %
      (len(v["created"]), v["refused"], v["recovered_after"] if v["recovered_after"] is not None else -1))
failures = list(v["problems"])
if v["slow"]: failures.append("answers slower than 5 s: %s" % v["slow"][:5])
if v["refused"] == 0: failures.append("no request was sent while the database was down")
if v["recovered_after"] is None: failures.append("no creation succeeded after the database came back")
elif v["recovered_after"] > 15: failures.append("recovered only after %.1f s" % v["recovered_after"])
missing = [i for i in v["created"] if i not in stored]
if missing: failures.append("%d videos answered 201 are not stored: %s" % (len(missing), missing[:3]))
if len(stored) != len(v["created"]): failures.append("%d videos stored, %d answered 201" % (len(stored), len(v["created"])))
for f in failures: print("FAIL", f)
sys.exit(1 if failures else 0)
PY
echo "pg_restart: ok"
