// Differential test of Narralytica's WebVTT reader against the W3C's webvtt-parser (npm): both read
// the hand-written files in cases/ (after web-platform-tests' webvtt/parsing/file-parsing cases)
// and files generated from a fixed seed (valid cues mixed with the blocks the parsing algorithm
// discards), and must give the same cues: count, start and end in milliseconds, and text.
//
// Usage: node compare.mjs WEBVTT_DUMP CASES_DIR [FILE_COUNT] [SEED]
// With WEBVTT_DIFFERENTIAL_KEEP=DIR, the files whose cues differ are copied into DIR.
//
// Comparable forms of the two parsers' cues:
// - Narralytica's reader drops, with a warning, two kinds of cue a viewer never sees: one that
//   ends before it starts, and one whose text is empty after tags are removed. webvtt-parser
//   keeps both, so they are removed from its side before comparing.
// - Cue text is webvtt-parser's cue text tree flattened to its text (timestamps dropped, ruby
//   pronunciation text inside <rt> dropped, as the reader does), then each line trimmed, runs of
//   spaces and tabs made one space and empty lines removed (the reader's tidy text).
// - Both lists are sorted by start, end, text (webvtt-parser sorts its own way).
//
// Where webvtt-parser departs from the specification's parser, the generator stays out of the
// way, and the reader follows the specification (tests/unit/formats/webvtt_reader_test.cpp):
// webvtt-parser skips a NOTE or STYLE block up to the next empty line even past a valid timing
// line, while the specification reads "NOTE" directly above a timing line as that cue's id, and a
// timing line on a block's third line as the start of the next block. Generated NOTE and STYLE
// blocks therefore hold no valid timing line, and generated cue ids never start with NOTE or
// STYLE. Character references are drawn from those the reader decodes, in decimal or digit-only
// hex (webvtt-parser reads no hex letters).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const require = createRequire(import.meta.url);
const { WebVTTParser } = require("webvtt-parser");
const htmlEntities = require("webvtt-parser/html-entities.json");

const [dump, casesDir, fileCountArg, seedArg] = process.argv.slice(2);
if (!dump || !casesDir) {
  console.error("usage: node compare.mjs WEBVTT_DUMP CASES_DIR [FILE_COUNT] [SEED]");
  process.exit(2);
}
const fileCount = Number(fileCountArg ?? 400);
const seed = Number(seedArg ?? 20261206);

// --- the generator ---------------------------------------------------------------------------

function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(random) {
  const int = (n) => Math.floor(random() * n);
  const pick = (items) => items[int(items.length)];
  const chance = (p) => random() < p;
  const pad = (n, width) => String(n).padStart(width, "0");

  function timestamp(ms) {
    const h = Math.floor(ms / 3600000);
    const m = Math.floor(ms / 60000) % 60;
    const s = Math.floor(ms / 1000) % 60;
    const f = pad(ms % 1000, 3);
    if (h === 0 && chance(0.5)) return `${pad(m, 2)}:${pad(s, 2)}.${f}`;
    return `${pad(h, chance(0.2) ? 3 : 2)}:${pad(m, 2)}:${pad(s, 2)}.${f}`;
  }
  const space = () => pick(["", " ", "  ", "\t", " \t"]);
  const separator = () => pick([" ", " ", " ", "\t", "  "]);
  const words = ["hello", "world", "café", "naïve", "日本語", "ok", "-", "—", "1,5", "x>y", "ça"];
  const references = ["&amp;", "&lt;", "&gt;", "&nbsp;", "&lrm;", "&eacute;", "&hellip;", "&mdash;",
                      "&quot;", "&#233;", "&#x41;", "&#65;", "&bogusref;", "& "];
  function textLine() {
    const parts = [];
    const n = 1 + int(5);
    for (let i = 0; i < n; i++) {
      const word = pick(words);
      switch (int(12)) {
        case 0: parts.push(`<b>${word}</b>`); break;
        case 1: parts.push(`<i.loud>${word}</i>`); break;
        case 2: parts.push(`<v ${pick(["Ada", "Grace Hopper", "Tom &amp; Jerry"])}>${word}`); break;
        case 3: parts.push(`<ruby>${word}<rt>${pick(words)}</rt></ruby>`); break;
        case 4: parts.push(`<00:00:0${int(9)}.${pad(int(1000), 3)}>${word}`); break;
        case 5: parts.push(pick(references) + word); break;
        case 6: parts.push(`<c.a.b>${word}</c>`); break;
        case 7: parts.push(`<lang en>${word}</lang>`); break;
        case 8: parts.push(`<u>${word}`); break;
        default: parts.push(word);
      }
    }
    let line = parts.join(pick([" ", "  ", "\t"]));
    if (chance(0.1)) line = "  " + line;
    if (chance(0.1)) line += " ";
    if (chance(0.05)) line = "   ";  // a line of spaces: text, not the end of the cue
    return line;
  }
  function cueText() {
    const lines = [];
    const n = chance(0.08) ? 0 : 1 + int(3);
    for (let i = 0; i < n; i++) lines.push(textLine());
    if (chance(0.05)) lines.push("<b></b>");
    return lines;
  }
  const settings = () => pick(["", "", "", " align:start", " line:0 position:10%", "\tsize:50%", " vertical:rl",
                               " region:fred align:left", " bogus", " line:"]);
  const cueId = () => pick([String(1 + int(99)), "intro", "cue id with spaces", "é-1", "  padded  ", "x->y"]);

  function timingLine(start, end) {
    return space() + timestamp(start) + separator() + "-->" + separator() + timestamp(end) + settings();
  }
  // A timing line the parsing algorithm rejects (the block is discarded), with its start time.
  function badTimingLine(start, end) {
    const a = timestamp(start);
    const b = timestamp(end);
    return pick([
      `${a} --> ${b.slice(0, -1)}`,                    // two millisecond digits
      `${a} -> ${b}`,                                  // no "-->": a stray block
      `${a} - -> ${b}`,
      `${a} --> `,                                     // no end
      `${a.replace(/\.(\d+)$/, ",$1")} --> ${b}`,      // SRT's comma
      `00:61.000 --> ${b}`,                            // 61 seconds
      `0:01.000 --> ${b}`,                             // one-digit minutes
      `${a} --> 00:00:60.000`,
      `x${a} --> ${b}`,
      `a --> b`,
      `${a} --x ${b} -->`,
    ]);
  }

  return function file() {
    const blocks = [];
    let time = int(5000);
    let cues = 0;
    const nextTimes = () => {
      const start = chance(0.1) ? Math.max(0, time - int(3000)) : time;  // some overlap or disorder
      const end = chance(0.05) ? Math.max(0, start - 1 - int(1000)) : start + int(4000);  // some backwards
      time = start + 500 + int(5000);
      return [start, end];
    };
    const n = 1 + int(25);
    for (let i = 0; i < n; i++) {
      const kind = int(20);
      const [start, end] = nextTimes();
      if (kind < 11) {
        const lines = [];
        if (chance(0.4)) lines.push(cueId());
        lines.push(timingLine(start, end), ...cueText());
        // Sometimes the next cue follows without an empty line (the timing line ends this one).
        if (chance(0.1) && lines.length > 1) {
          const [s2, e2] = nextTimes();
          lines.push(timingLine(s2, e2), ...cueText());
        }
        blocks.push(lines);
        cues++;
      } else if (kind < 14) {
        const lines = [];
        if (chance(0.4)) lines.push(cueId());
        lines.push(badTimingLine(start, end), ...cueText());
        blocks.push(lines);
      } else if (kind < 16) {
        blocks.push(pick([
          ["NOTE"],
          ["NOTE a comment"],
          ["NOTE\tthe arrow --> is not a cue"],
          ["NOTE", "see a --> b", "more comment"],
          ["NOTE", "line one", "line two"],
          ["NOTE", "x --> y", "z --> w"],
        ]));
      } else if (kind < 18) {
        const stray = pick([["stray text"], ["two", "lines"], ["a", "b", "c"], ["Kind: captions"]]);
        // Two or more stray lines directly above a timing line: the cue after them is kept.
        if (stray.length > 1 && chance(0.3)) {
          stray.push(timingLine(start, end), ...cueText());
        }
        blocks.push(stray);
      } else if (cues === 0 || chance(0.3)) {
        blocks.push(pick([["STYLE", "::cue { color: red }"], ["REGION", "id:fred width:40%"], ["STYLE"]]));
      } else {
        blocks.push([cueId(), ""]);  // an id with nothing after it
      }
    }
    const header = pick([[], [], ["Kind: captions", "Language: en"], ["X-TIMESTAMP-MAP=LOCAL:00:00:00.000"]]);
    const first = ["WEBVTT" + pick(["", "", " - title", "\tx"]), ...header];
    const eol = pick(["\n", "\n", "\r\n", "\r", "mixed"]);
    const parts = [first.join("\n")];
    for (const block of blocks) parts.push(block.join("\n"));
    let text = parts.map((p, i) => (i === 0 ? p : pick(["\n\n", "\n\n", "\n\n\n", "\n \n\n"]) + p)).join("");
    if (chance(0.7)) text += "\n";
    if (chance(0.1)) text = "\ufeff" + text;
    // A CR right before the next line's LF would make the two one CRLF line end, taking away
    // the empty line the generator meant: such a CR becomes a CRLF.
    if (eol === "mixed") {
      return text.replace(/\n/g, (_, at, whole) => {
        const end = pick(["\n", "\r\n", "\r"]);
        return end === "\r" && whole[at + 1] === "\n" ? "\r\n" : end;
      });
    }
    return text.replace(/\n/g, eol);
  };
}

// --- comparison ------------------------------------------------------------------------------

function tidy(text) {
  return text
    .split("\n")
    .map((line) => line.replace(/^[ \t\f\r]+|[ \t\f\r]+$/g, "").replace(/[ \t\f\r]+/g, " "))
    .filter((line) => line !== "")
    .join("\n");
}

function flatten(node) {
  if (node.type === "text") return node.value;
  if (node.type === "timestamp") return "";
  if (node.type === "object" && node.name === "rt") return "";
  return (node.children ?? []).map(flatten).join("");
}

function byTimeThenText(a, b) {
  return a.start - b.start || a.end - b.end || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
}

function referenceCues(content) {
  const parsed = new WebVTTParser(htmlEntities).parse(content, "subtitles");
  return parsed.cues
    .map((cue) => ({
      start: Math.round(cue.startTime * 1000),
      end: Math.round(cue.endTime * 1000),
      text: tidy(flatten(cue.tree)),
    }))
    .filter((cue) => cue.end >= cue.start && cue.text !== "")
    .sort(byTimeThenText);
}

function describeDifference(ours, theirs) {
  if (ours.length !== theirs.length) return `cue count: reader ${ours.length}, webvtt-parser ${theirs.length}`;
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (a.start !== b.start || a.end !== b.end || a.text !== b.text) {
      return `cue ${i + 1}: reader ${JSON.stringify(a)}, webvtt-parser ${JSON.stringify(b)}`;
    }
  }
  return null;
}

const work = mkdtempSync(join(tmpdir(), "webvtt-differential-"));
try {
  const files = readdirSync(casesDir)
    .filter((name) => name.endsWith(".vtt"))
    .sort()
    .map((name) => join(casesDir, name));
  const file = generator(mulberry32(seed));
  for (let i = 0; i < fileCount; i++) {
    const path = join(work, `generated-${String(i).padStart(4, "0")}.vtt`);
    writeFileSync(path, file());
    files.push(path);
  }
  const lines = execFileSync(dump, files, { maxBuffer: 256 * 1024 * 1024 }).toString().trim().split("\n");
  let passed = 0;
  let failed = 0;
  let cueCount = 0;
  for (const line of lines) {
    const result = JSON.parse(line);
    const content = readFileSync(result.file, "utf8");
    const theirs = referenceCues(content);
    let problem;
    if (!result.ok) {
      problem = `refused by the reader: ${result.error}`;
    } else {
      const ours = [...result.cues].sort(byTimeThenText);
      cueCount += ours.length;
      problem = describeDifference(ours, theirs);
    }
    if (problem) {
      failed++;
      if (process.env.WEBVTT_DIFFERENTIAL_KEEP) {
        mkdirSync(process.env.WEBVTT_DIFFERENTIAL_KEEP, { recursive: true });
        copyFileSync(result.file, join(process.env.WEBVTT_DIFFERENTIAL_KEEP, basename(result.file)));
      }
      if (failed <= 5) {
        console.log(`FAIL ${result.file}: ${problem}`);
        console.log("---- file ----\n" + JSON.stringify(content) + "\n--------------");
      }
    } else {
      passed++;
    }
  }
  if (lines.length !== files.length) {
    console.log(`FAIL the reader answered for ${lines.length} of ${files.length} files`);
    failed++;
  }
  console.log(`webvtt differential: ${files.length} files (seed ${seed}), ${cueCount} cues compared`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
