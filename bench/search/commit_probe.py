#!/usr/bin/env python3
"""Commit-to-searchable latency (issue 14: p99 < 2 s), against `narralytica serve --workers 1`.

Each probe creates a video (POST /v1/videos), uploads a one-cue WebVTT transcript holding a word
that exists nowhere else (POST /v1/videos/{id}/transcripts), and from the moment the upload is
answered (the transaction is committed) polls GET /v1/search?q=WORD every 5 ms until the segment
is found. A first probe, not counted, waits for the pipeline to work through the import's backlog.
Probes are spaced by a random 0-300 ms so they do not fall in step with the pipeline's polling.
Prints key=value figures (ms) for report.py; exits non-zero when a probe is not found within 60 s.

Usage: commit_probe.py BASE_URL TOKEN PROBES
"""
import json
import random
import string
import sys
import time
import urllib.parse
import urllib.request

POLL_S = 0.005
TIMEOUT_S = 60.0


def call(base, token, method, path, body=None, content_type="application/json"):
    request = urllib.request.Request(base + path, data=body, method=method,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def probe(base, token, number, rng, timeout):
    word = "probe" + "".join(rng.choice(string.ascii_lowercase) for _ in range(12))
    video = call(base, token, "POST", "/v1/videos", json.dumps({"title": f"commit probe {number}"}).encode())
    vtt = f"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Probe>The {word} was said here.\n"
    call(base, token, "POST", f"/v1/videos/{video['id']}/transcripts?language=en", vtt.encode(), "text/vtt")
    committed = time.monotonic()
    path = "/v1/search?limit=1&q=" + urllib.parse.quote(word)
    while True:
        if call(base, token, "GET", path)["items"]:
            return (time.monotonic() - committed) * 1000
        if time.monotonic() - committed > timeout:
            sys.exit(f"commit_probe: {word} not searchable after {timeout:.0f} s")
        time.sleep(POLL_S)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)]


def main():
    base, token, probes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random()
    probe(base, token, 0, rng, 600)  # the backlog of the import's events
    latencies = []
    for number in range(1, probes + 1):
        time.sleep(rng.uniform(0, 0.3))
        latencies.append(probe(base, token, number, rng, TIMEOUT_S))
    print(f"commit_probes={len(latencies)}")
    print(f"commit_p50_ms={percentile(latencies, 50):.1f}")
    print(f"commit_p99_ms={percentile(latencies, 99):.1f}")
    print(f"commit_max_ms={max(latencies):.1f}")


if __name__ == "__main__":
    main()
