#!/usr/bin/env python3
"""Generates the synthetic transcript corpus of the import benchmark (issue 3).

N files holding S segments in all (default 2,000 and 1,000,000), mixed WebVTT / SRT / WhisperX
JSON in equal thirds, with realistic shapes: file lengths vary (a 5-minute clip to a 3-hour
hearing, long-tailed), segments last 1-8 s with 4-25 words drawn from a Zipf-like vocabulary,
speakers take turns of a few segments (2-6 speakers per file), WhisperX files carry word timings
with scores and a few untimed words (numbers), as WhisperX emits them.

Also writes, for the bare-load baseline, segments.csv: the same rows the import stores
(transcript number, ordinal, start_ms, end_ms, speaker, text, confidence, words JSON as the
import encodes it), so `sqlite3 .import` and `psql \\copy` load exactly the same data.

Deterministic: seeded. Usage: gen_corpus.py OUT_DIR [--files N] [--segments S] [--seed X]
"""
import argparse
import csv
import json
import math
import os
import random

WORDS = ("the of and to a in that is it you we for this on was with be as are have not they at but "
         "so what about there all can one do if like just more people think know going would our "
         "really time now very because well here when which how get see also some from year been "
         "said government policy market data question answer research history country city music "
         "interview evidence committee witness hearing lecture science money health school water "
         "energy climate budget million percent report record today yesterday tomorrow important").split()
WEIGHTS = [1.0 / (i + 1) ** 0.9 for i in range(len(WORDS))]


def ts_vtt(ms):
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def ts_srt(ms):
    return ts_vtt(ms).replace(".", ",")


def file_lengths(rng, files, segments):
    # Long-tailed (log-normal) lengths scaled to the total, each at least 20 segments.
    raw = [rng.lognormvariate(0, 0.8) for _ in range(files)]
    scale = segments / sum(raw)
    lengths = [max(20, int(r * scale)) for r in raw]
    diff = segments - sum(lengths)
    i = 0
    while diff != 0:  # settle rounding on the longest files
        j = max(range(files), key=lambda k: lengths[k]) if diff < 0 else i % files
        step = 1 if diff > 0 else -1
        lengths[j] += step
        diff -= step
        i += 1
    return lengths


def make_segments(rng, count):
    speakers = [f"SPEAKER_{k:02d}" for k in range(rng.randint(2, 6))]
    t = rng.randint(0, 3000)
    speaker = rng.choice(speakers)
    turn_left = rng.randint(1, 6)
    out = []
    for _ in range(count):
        if turn_left == 0:
            speaker = rng.choice([s for s in speakers if s != speaker])
            turn_left = rng.randint(1, 6)
            t += rng.randint(200, 1500)
        turn_left -= 1
        n = rng.randint(4, 25)
        words = rng.choices(WORDS, WEIGHTS, k=n)
        words[0] = words[0].capitalize()
        if rng.random() < 0.05:
            words[rng.randrange(n)] = str(rng.randint(2, 2000))
        duration = int(n * rng.uniform(250, 380))
        start, end = t, t + duration
        # Word timings spread over the segment; numbers are untimed (WhisperX's habit).
        wt, per = start, duration // n
        timed = []
        for w in words:
            if w.isdigit():
                timed.append((w, None, None, None))
            else:
                timed.append((w, wt, wt + per - 20, round(rng.uniform(0.5, 1.0), 3)))
            wt += per
        out.append((start, end, speaker, " ".join(words) + ".", timed))
        t = end + rng.randint(50, 600)
    return out


def interpolate(timed, seg_start, seg_end):
    # What the WhisperX reader stores for an untimed word: times from its neighbours.
    result = []
    for i, (w, s, e, c) in enumerate(timed):
        if s is None:
            prev_end = next((timed[j][2] for j in range(i - 1, -1, -1) if timed[j][2] is not None), seg_start)
            next_start = next((timed[j][1] for j in range(i + 1, len(timed)) if timed[j][1] is not None), seg_end)
            result.append((w, prev_end, max(prev_end, next_start), None, True))
        else:
            result.append((w, s, e, c, False))
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--segments", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20240603)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "files"), exist_ok=True)
    lengths = file_lengths(rng, args.files, args.segments)
    with open(os.path.join(args.out, "segments.csv"), "w", newline="") as csv_file:
        rows = csv.writer(csv_file)
        for number, count in enumerate(lengths):
            kind = ("vtt", "srt", "whisperx")[number % 3]
            segments = make_segments(rng, count)
            path = os.path.join(args.out, "files", f"t{number:05d}." + ("json" if kind == "whisperx" else kind))
            if kind == "vtt":
                lines = ["WEBVTT", ""]
                for i, (s, e, sp, text, _) in enumerate(segments):
                    lines += [f"{ts_vtt(s)} --> {ts_vtt(e)}", f"<v {sp}>{text}", ""]
                data = "\n".join(lines)
            elif kind == "srt":
                lines = []
                for i, (s, e, sp, text, _) in enumerate(segments):
                    lines += [str(i + 1), f"{ts_srt(s)} --> {ts_srt(e)}", f"{sp}: {text}", ""]
                data = "\n".join(lines)
            else:
                doc = {"language": "en", "segments": [], "word_segments": []}
                for s, e, sp, text, timed in segments:
                    words = []
                    for w, ws, we, c in timed:
                        word = {"word": w}
                        if ws is not None:
                            word.update(start=ws / 1000, end=we / 1000, score=c, speaker=sp)
                        words.append(word)
                    doc["segments"].append({"start": s / 1000, "end": e / 1000, "text": " " + text,
                                            "speaker": sp, "words": words})
                data = json.dumps(doc, separators=(",", ":"))
            with open(path, "w") as f:
                f.write(data)
            for ordinal, (s, e, sp, text, timed) in enumerate(segments):
                words = ""
                if kind == "whisperx":
                    parts = []
                    for w, ws, we, c, interp in interpolate(timed, s, e):
                        o = {"w": w, "s": ws, "e": we}
                        if c is not None:
                            o["c"] = c
                        if interp:
                            o["i"] = True
                        else:
                            o["sp"] = sp
                        parts.append(o)
                    words = json.dumps(parts, separators=(",", ":"))
                rows.writerow([number + 1, ordinal, s, e, sp, text, "", words])
    print(f"{args.files} files, {sum(lengths)} segments in {args.out}")


if __name__ == "__main__":
    main()
