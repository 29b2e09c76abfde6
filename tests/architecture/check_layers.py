#!/usr/bin/env python3
"""Checks that every #include in src/ points down the layer order of docs/architecture.md.

The order is read from the diagram in docs/architecture.md (the line "cli  ->  api  ->  ...  ->
core"), so the rule that is stated is the rule that is checked. A file in one layer may include
its own layer and any layer after it in that line; layers written together ("jobs / search",
"store / formats") are siblings and may not include each other. Quoted includes whose first path
component names a layer ("store/media/video_repository.hpp") are checked; system and third-party
includes (<...>) and includes relative to the file's own directory are not.

Usage: check_layers.py ARCHITECTURE_MD SRC_DIR     exit 1 and one line per violation, as
                                                    src/core/x.cpp:3:1: core includes app/...
       check_layers.py --self-test ARCHITECTURE_MD  proves a wrong-way include is reported
"""
import re
import sys
import tempfile
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc", ".ipp"}


def read_order(architecture_md: Path) -> list[list[str]]:
    """The layer groups, top (cli) first, from the diagram line of the architecture page."""
    for line in architecture_md.read_text(encoding="utf-8").splitlines():
        if "->" in line and line.strip().startswith("cli"):
            groups = [[name.strip() for name in part.split("/")] for part in line.split("->")]
            if all(all(re.fullmatch(r"[a-z]+", name) for name in group) for group in groups):
                return groups
    raise SystemExit(f"{architecture_md}: found no layer line like 'cli -> api -> ... -> core'")


def violations(order: list[list[str]], src: Path) -> list[str]:
    rank = {name: index for index, group in enumerate(order) for name in group}
    found = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
            continue
        layer = path.relative_to(src).parts[0]
        if layer not in rank:
            continue
        for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            match = INCLUDE.match(text)
            if not match:
                continue
            target = match.group(1).split("/")[0]
            if target not in rank or target == layer:
                continue
            if rank[target] <= rank[layer]:
                why = "a sibling" if rank[target] == rank[layer] else "a layer above it"
                column = text.index("#") + 1
                found.append(f"{path}:{number}:{column}: {layer} includes \"{match.group(1)}\", {why} "
                             f"(the order is {' -> '.join(' / '.join(g) for g in order)})")
    return found


def self_test(architecture_md: Path) -> int:
    order = read_order(architecture_md)
    with tempfile.TemporaryDirectory() as directory:
        src = Path(directory)
        (src / "core").mkdir()
        (src / "store").mkdir()
        (src / "app").mkdir()
        (src / "core" / "bad.cpp").write_text('#include "core/fine.hpp"\n#include <vector>\n#include "app/use_case.hpp"\n')
        (src / "store" / "sibling.cpp").write_text('#include "core/fine.hpp"\n  #include "formats/reader.hpp"\n')
        (src / "app" / "good.cpp").write_text('#include "store/x.hpp"\n#include "formats/y.hpp"\n#include "app/z.hpp"\n')
        found = violations(order, src)
        expected = [f"{src}/core/bad.cpp:3:1: core includes \"app/use_case.hpp\", a layer above it",
                    f"{src}/store/sibling.cpp:2:3: store includes \"formats/reader.hpp\", a sibling"]
        ok = len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected))
        if not ok:
            print("self-test failed: expected\n  " + "\n  ".join(expected) + "\nfound\n  " + "\n  ".join(found))
            return 1
    print("self-test: a wrong-way include and a sibling include are both reported")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(Path(argv[2]))
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    order = read_order(Path(argv[1]))
    found = violations(order, Path(argv[2]))
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} include(s) point the wrong way")
        return 1
    print(f"every include in {argv[2]} follows {' -> '.join(' / '.join(g) for g in order)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
