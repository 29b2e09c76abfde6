#!/usr/bin/env python3
"""Regenerates the data-model diagram in docs/architecture.md from the SQLite migrations.

The diagram is a Mermaid erDiagram between the markers
  <!-- erd:begin --> and <!-- erd:end -->.
`--check` exits 1 when the checked-in diagram differs from what the migrations say, so the
documentation cannot drift from the schema (run by CTest as docs_erd_current).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations" / "sqlite"
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- erd:begin -->", "<!-- erd:end -->"


def strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def split_top_level(body: str):
    parts, depth, current = [], 0, []
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def parse(sql: str):
    tables = {}
    for match in re.finditer(r"CREATE TABLE (\w+) \((.*?)\)\s*(?:WITHOUT ROWID)?;", sql, re.S):
        name, body = match.group(1), match.group(2)
        columns, relations = [], []
        for item in split_top_level(body):
            words = item.split()
            head = words[0].upper()
            if head in ("UNIQUE", "CHECK", "PRIMARY"):
                continue
            if head == "FOREIGN":
                fk = re.match(r"FOREIGN KEY \(([^)]*)\) REFERENCES (\w+)", item)
                relations.append((fk.group(2), fk.group(1).replace(" ", "")))
                continue
            column, kind = words[0], words[1].lower()
            key = "PK" if "PRIMARY KEY" in item else ("UK" if re.search(r"\bUNIQUE\b", item) else "")
            ref = re.search(r"REFERENCES (\w+)", item)
            if ref:
                relations.append((ref.group(1), column))
                key = "FK"
            columns.append((kind, column, key))
        tables[name] = (columns, relations)
    for match in re.finditer(r"ALTER TABLE (\w+) ADD COLUMN (\w+) (\w+)", sql):
        tables[match.group(1)][0].append((match.group(3).lower(), match.group(2), ""))
    return tables


def render(tables) -> str:
    lines = ["```mermaid", "erDiagram"]
    for name, (columns, relations) in tables.items():
        for parent, via in relations:
            if parent in tables:
                lines.append(f'  {parent} ||--o{{ {name} : "{via}"')
    for name, (columns, _) in tables.items():
        lines.append(f"  {name} {{")
        for kind, column, key in columns:
            lines.append(f"    {kind} {column}{(' ' + key) if key else ''}")
        lines.append("  }")
    lines.append("```")
    return "\n".join(lines)


def main() -> int:
    sql = "\n".join(strip_comments(p.read_text()) for p in sorted(MIGRATIONS.glob("*.sql")))
    diagram = render(parse(sql))
    doc = DOC.read_text()
    start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
    updated = doc[:start] + "\n" + diagram + "\n" + doc[end:]
    if "--check" in sys.argv:
        if updated != doc:
            print("docs/architecture.md's diagram is out of date: run scripts/gen_erd.py", file=sys.stderr)
            return 1
        print("diagram matches the migrations")
        return 0
    DOC.write_text(updated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
