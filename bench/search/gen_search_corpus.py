#!/usr/bin/env python3
"""Generates the search benchmark's corpus and query list (issue 14). Deterministic: seeded.

Corpus: S segments (default 1,000,000) over T tenants (default 10) of Zipf-like size (exponent
0.95: the largest tenant holds 32.6%, 326k of 1M rows, as in ../shared/BASELINES.md). Each tenant
has long-tailed videos (bench/import/gen_corpus.py's file_lengths), each written as one
Narralytica JSON transcript (docs/formats.md, language "en") with 2-6 named speakers taking turns.
A segment has 8-30 words drawn from a 50,000-word Zipf vocabulary (exponent 1): ~40 English
function words and ~400 real English words in inflected families (so stemming matters: "votes"
finds "voted"), a few with accents, spread over the ranks; the rest synthetic pronounceable words.
Text averages ~143 bytes.

Writes into OUT:
  files/<tenant>/vNNNNN.json  the transcripts `narralytica import --tenant <tenant>` loads
  tenants.tsv                 tenant slug, segments
  segments.tsv                tenant, video (file stem), ordinal, start_ms, end_ms, speaker, text:
                              the same rows, for the FTS5 and PostgreSQL baselines
  queries.tsv                 one query per line in each engine's closest syntax (below)

Queries: Q mixed (default 1,000: 43% one common word, 19% one rare word, 19% two-word AND, 9%
phrase, 10% prefix) plus F filtered (default 100: a common word with speaker:"Name", or with a
from:/to: time window), each aimed at a tenant chosen with probability proportional to its size.
Words come from a segment sampled in that tenant, so a rare word, an AND pair and a phrase always
have at least one hit; function words are never query words (PostgreSQL's english configuration
drops them). Columns of queries.tsv:
  id, class, tenant, product (the query language, src/search/query_parser.hpp), fts5 (MATCH
  expression), pg_function (plainto_tsquery | phraseto_tsquery | to_tsquery), pg_text,
  speaker, from_ms, to_ms (the filter; empty when none)

Usage: gen_search_corpus.py OUT [--segments S] [--tenants T] [--queries Q] [--filtered F] [--seed X]
"""
import argparse
import bisect
import itertools
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "import"))
from gen_corpus import file_lengths  # noqa: E402  (the import benchmark's long-tailed file sizes)

VOCABULARY = 50_000
TENANT_EXPONENT = 0.95
WORD_EXPONENT = 1.0
SEGMENT_WORDS = (8, 30)
MEAN_SEGMENTS_PER_VIDEO = 400
COMMON_CONTENT_RANKS = 200  # "one common word": among the 200 most frequent non-function words
RARE_RANK_MIN = 5_000       # "one rare word": rank 5,000 or beyond
MIX = (("common", 43), ("rare", 19), ("and", 19), ("phrase", 9), ("prefix", 10))

FUNCTION_WORDS = ("the of and to a in that is it you we for this on was with be as are have not they at "
                  "but so what about there all can one do if just would our very because which").split()
# Inflected families: the stemmer maps each family to one term in all three engines.
FAMILIES = """vote votes voted voting voter voters|hear hears heard hearing hearings|report reports reported
reporting reporter|govern governs governed government governments|decide decides decided deciding decision
decisions|run runs running runner|flood floods flooded flooding|defend defends defended defence defences|
build builds built building buildings|fund funds funded funding|tax taxes taxed taxation|plan plans planned
planning planner|market markets marketing|teach teaches taught teacher teachers teaching|school schools
schooling|research researched researcher researchers|question questions questioned questioning|answer
answers answered answering|witness witnesses witnessed|commit commits committed committee committees|
measure measures measured measurement|price prices priced pricing|worker workers work works worked working|
river rivers|bank banks banking banker|energy energies|climate climates|budget budgets budgeted|health
healthy healthier|water waters watered|city cities|country countries|music musical musician|history
historic historical historian|interview interviews interviewed|record records recorded recording|
policy policies|million millions|percent percentage|farm farms farmer farmers farming|hospital hospitals|
nurse nurses nursing|doctor doctors|court courts|judge judges judged judging|law laws lawyer lawyers|
police policing|crime crimes criminal|transport transported transportation|road roads|train trains trained
training|power powers powered powerful|elect elects elected election elections|count counts counted counting
council councils councillor|house houses housing|rent rents rented renting|storm storms stormy|forest
forests forestry|harbour harbours|island islands|mountain mountains|engine engines engineer engineers
engineering|bridge bridges|café cafés|résumé résumés|naïve|façade façades|protest protests protested
protesting|strike strikes striking|argue argues argued arguing argument arguments|agree agrees agreed
agreement|debate debates debated debating|speak speaks spoke speaking speaker speakers|listen listens
listened listening|happy happier happiest happiness|quick quickly quicker|slow slowly slower|early earlier
earliest|late later latest|open opens opened opening|close closes closed closing|announce announced
announcement|invest invests invested investing investment|trade trades traded trading|export exports
exported|import imports imported|factory factories|industry industries industrial|garden gardens gardening|
library libraries|museum museums|theatre theatres|festival festivals|season seasons seasonal"""
REAL_WORDS = list(dict.fromkeys(w for family in FAMILIES.replace("\n", " ").split("|") for w in family.split()))
ONSETS = "b c d f g h j k l m n p r s t v w z br dr fr gr kr pl pr st tr sk sl sp ch sh th".split()
VOWELS = "a e i o u a e i o ai ea ou".split()
CODAS = ["", "", "", "n", "r", "l", "s", "m", "k", "nt", "rd", "st"]

FIRST_NAMES = ("Ada Grace Alan Edsger Barbara Donald Frances Ken Dennis Margaret Tim Radia Linus Sophie "
               "Hedy Katherine Claude John Niklaus Leslie").split()
LAST_NAMES = ("Lovelace Hopper Turing Dijkstra Liskov Knuth Allen Thompson Ritchie Hamilton Berners Perlman "
              "Torvalds Wilson Lamarr Johnson Shannon Backus Wirth Lamport").split()


def build_vocabulary(rng):
    """The 50k words by rank (0 = most frequent)."""
    taken = set(REAL_WORDS) | set(FUNCTION_WORDS)
    synthetic, wanted = [], VOCABULARY - len(taken)
    while len(synthetic) < wanted:
        syllables = rng.choice((1, 2, 2, 2, 3, 3, 3))
        word = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(syllables)) + rng.choice(CODAS)
        if word not in taken:
            taken.add(word)
            synthetic.append(word)
    # Function words lead; real words spread over ranks 20..20,000; synthetic words fill the rest.
    words = [None] * VOCABULARY
    for i, w in enumerate(FUNCTION_WORDS):
        words[i * 4 if i < 10 else 40 + (i - 10) * 6] = w
    free = [i for i in range(20, 20_000) if words[i] is None]
    positions = sorted(rng.sample(free[:2_000], len(REAL_WORDS) // 2) +
                       rng.sample(free[2_000:], len(REAL_WORDS) - len(REAL_WORDS) // 2))
    real = REAL_WORDS[:]
    rng.shuffle(real)
    for p, w in zip(positions, real):
        words[p] = w
    fill = iter(synthetic)
    return [w if w is not None else next(fill) for w in words]


def tenant_sizes(segments, tenants):
    weights = [1 / (k + 1) ** TENANT_EXPONENT for k in range(tenants)]
    sizes = [int(segments * w / sum(weights)) for w in weights]
    sizes[0] += segments - sum(sizes)
    return sizes


def write_video(path, rng, count, vocab, cum, sampled, rows, tenant, video):
    """Writes one transcript and its rows; appends (ranks, speaker, start_ms) per segment to
    `sampled`; returns the bytes of text written."""
    names = rng.sample([f"{f} {l}" for f, l in zip(FIRST_NAMES, LAST_NAMES)], rng.randint(2, 6))
    speaker, turn_left, t = rng.choice(names), rng.randint(1, 6), rng.randint(0, 3000)
    segments = []
    for ordinal in range(count):
        if turn_left == 0:
            speaker, turn_left = rng.choice([s for s in names if s != speaker]), rng.randint(1, 6)
            t += rng.randint(200, 1500)
        turn_left -= 1
        ranks = [bisect.bisect(cum, rng.random() * cum[-1]) for _ in range(rng.randint(*SEGMENT_WORDS))]
        words = [vocab[r] for r in ranks]
        text = " ".join([words[0].capitalize()] + words[1:]) + "."
        start = t
        end = start + len(words) * rng.randint(250, 380)
        t = end + rng.randint(50, 600)
        segments.append({"start_ms": start, "end_ms": end, "text": text, "speaker": speaker})
        rows.write(f"{tenant}\t{video}\t{ordinal}\t{start}\t{end}\t{speaker}\t{text}\n")
        sampled.append((ranks, speaker, start))
    doc = {"format": "narralytica.transcript", "version": 1, "language": "en", "segments": segments}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
    return sum(len(s["text"].encode()) for s in segments)


def content(ranks, function_ranks):
    return [r for r in ranks if r not in function_ranks]


def make_query(kind, rng, tenant, samples, vocab, function_ranks, common_ranks):
    """(product, fts5, pg_function, pg_text, speaker, from_ms, to_ms), or None to try another segment."""
    ranks, speaker, start = rng.choice(samples)
    words = content(ranks, function_ranks)
    if kind in ("common", "filtered"):
        common = [r for r in words if r in common_ranks]
        if not common:
            return None
        w = vocab[rng.choice(common)]
        if kind == "common":
            return w, f'"{w}"', "plainto_tsquery", w, "", "", ""
        if rng.random() < 0.5:
            return f'{w} speaker:"{speaker}"', f'"{w}"', "plainto_tsquery", w, speaker, "", ""
        minute = max(0, start // 60_000 - rng.randint(0, 5))
        span = rng.randint(10, 20)
        return (f"{w} from:{minute}m to:{minute + span}m", f'"{w}"', "plainto_tsquery", w, "",
                str(minute * 60_000), str((minute + span) * 60_000))
    if kind == "rare":
        r = max(words, default=0)
        if r < RARE_RANK_MIN:
            return None
        return vocab[r], f'"{vocab[r]}"', "plainto_tsquery", vocab[r], "", "", ""
    if kind == "and":
        distinct = sorted(set(words))
        if len(distinct) < 2:
            return None
        a, b = (vocab[r] for r in rng.sample(distinct, 2))
        return f"{a} {b}", f'"{a}" AND "{b}"', "plainto_tsquery", f"{a} {b}", "", "", ""
    if kind == "phrase":
        n = rng.choice((2, 2, 3))
        runs = [i for i in range(len(ranks) - n + 1) if all(r not in function_ranks for r in ranks[i:i + n])]
        if not runs:
            return None
        i = rng.choice(runs)
        p = " ".join(vocab[r] for r in ranks[i:i + n])
        return f'"{p}"', f'"{p}"', "phraseto_tsquery", p, "", "", ""
    # prefix: 3-4 leading letters of an ASCII word of at least 5 letters
    long_words = [vocab[r] for r in words if len(vocab[r]) >= 5 and vocab[r].isascii()]
    if not long_words:
        return None
    p = rng.choice(long_words)[:rng.choice((3, 4))]
    return f"{p}*", f'"{p}"*', "to_tsquery", f"{p}:*", "", "", ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--segments", type=int, default=1_000_000)
    ap.add_argument("--tenants", type=int, default=10)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--filtered", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20261124)
    args = ap.parse_args()
    if args.tenants < 1 or args.segments < 20 * args.tenants:
        ap.error("need at least one tenant and 20 segments per tenant")
    rng = random.Random(args.seed)
    vocab = build_vocabulary(rng)
    cum = list(itertools.accumulate(1 / (r + 1) ** WORD_EXPONENT for r in range(VOCABULARY)))
    function_ranks = {vocab.index(w) for w in FUNCTION_WORDS}
    common_ranks = set([r for r in range(VOCABULARY) if r not in function_ranks][:COMMON_CONTENT_RANKS])

    sizes = tenant_sizes(args.segments, args.tenants)
    slugs = [f"tenant-{k:02d}" for k in range(args.tenants)]
    samples = {}
    total_bytes = 0
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "segments.tsv"), "w", encoding="utf-8") as rows:
        for slug, size in zip(slugs, sizes):
            os.makedirs(os.path.join(args.out, "files", slug), exist_ok=True)
            lengths = file_lengths(rng, max(1, size // MEAN_SEGMENTS_PER_VIDEO), size)
            # Keep every segment's ranks only for a sample of 3,000 per tenant (query material).
            keep = set(rng.sample(range(size), min(size, 3_000)))
            seen, ordinal_base = [], 0
            for number, count in enumerate(lengths):
                video = f"v{number:05d}"
                chunk = []
                total_bytes += write_video(os.path.join(args.out, "files", slug, video + ".json"), rng, count,
                                           vocab, cum, chunk, rows, slug, video)
                seen += [s for i, s in enumerate(chunk) if ordinal_base + i in keep]
                ordinal_base += count
            samples[slug] = seen
    with open(os.path.join(args.out, "tenants.tsv"), "w") as f:
        for slug, size in zip(slugs, sizes):
            f.write(f"{slug}\t{size}\n")

    kinds = [k for k, share in MIX for _ in range(round(args.queries * share / 100))]
    kinds = (kinds + ["common"] * args.queries)[:args.queries]
    rng.shuffle(kinds)
    kinds += ["filtered"] * args.filtered
    with open(os.path.join(args.out, "queries.tsv"), "w", encoding="utf-8") as f:
        for i, kind in enumerate(kinds):
            tenant = rng.choices(slugs, weights=sizes)[0]
            for _ in range(1000):
                query = make_query(kind, rng, tenant, samples[tenant], vocab, function_ranks, common_ranks)
                if query:
                    break
            else:
                sys.exit(f"no segment of {tenant} yields a {kind} query")
            f.write("\t".join((str(i), kind, tenant) + query) + "\n")
    print(f"{args.segments} segments in {args.tenants} tenants (largest {sizes[0]}), "
          f"{total_bytes / args.segments:.0f} bytes of text per segment, {len(kinds)} queries in {args.out}")


if __name__ == "__main__":
    main()
