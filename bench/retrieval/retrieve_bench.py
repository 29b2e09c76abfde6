#!/usr/bin/env python3
"""Issue 18's retrieval latency through the API: for each query of the search benchmark's corpus,
POST /v1/retrieve (10 passages) and, as the baseline, GET /v1/search of the same query (10 hits),
one after the other on one keep-alive connection per tenant, after a warm-up pass over every query.
Prints figures as name=value lines (p50/p95/p99 of each, their ratio, passages and words returned).

  retrieve_bench.py URL QUERIES.tsv TOKENS.tsv [--queries N] [--k 10]
"""
import argparse
import http.client
import json
import time
import urllib.parse


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("queries")
    parser.add_argument("tokens")
    parser.add_argument("--queries-max", type=int, default=1100)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    host = urllib.parse.urlparse(args.url)
    tokens = dict(line.rstrip("\n").split("\t") for line in open(args.tokens))
    queries = []
    for line in open(args.queries, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        queries.append((f[2], f[3]))
    queries = queries[: args.queries_max]
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)

    def request(method, path, token, body=None):
        headers = {"Authorization": "Bearer " + token}
        if body is not None:
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
        return elapsed, data

    def one(tenant, q):
        token = tokens[tenant]
        search_ms, _ = request("GET", f"/v1/search?limit={args.k}&q={urllib.parse.quote(q, safe='')}", token)
        body = json.dumps({"query": q, "k": args.k})
        retrieve_ms, data = request("POST", "/v1/retrieve", token, body)
        answer = json.loads(data)
        return search_ms, retrieve_ms, len(answer["passages"]), answer["budget"]["words"]

    for tenant, q in queries:  # warm-up: every index and page the measured pass reads
        one(tenant, q)
    search, retrieve, passages, words = [], [], 0, 0
    for tenant, q in queries:
        s, r, n, w = one(tenant, q)
        search.append(s)
        retrieve.append(r)
        passages += n
        words += w
    print(f"queries={len(queries)}")
    for name, values in (("retrieve", retrieve), ("search", search)):
        for p in (50, 95, 99):
            print(f"{name}_p{p}_ms={percentile(values, p):.2f}")
        print(f"{name}_max_ms={max(values):.2f}")
    print(f"ratio_p50={percentile(retrieve, 50) / percentile(search, 50):.2f}")
    print(f"ratio_p99={percentile(retrieve, 99) / percentile(search, 99):.2f}")
    print(f"passages_mean={passages / len(queries):.2f}")
    print(f"words_mean={words / len(queries):.1f}")
    target = percentile(retrieve, 99) <= 25
    print(f"target_retrieve_p99_le_25ms={'met' if target else 'MISSED'}")


if __name__ == "__main__":
    main()
