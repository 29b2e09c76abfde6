#!/usr/bin/env python3
"""Regenerates the data-model diagram in docs/architecture.md from the SQLite migrations.

The diagram is a Mermaid erDiagram between the markers
  <!-- erd:begin --> and <!-- erd:end -->.
`--check` exits 1 when the checked-in diagram differs from what the migrations say, so the
documentation cannot drift from the schema (run by CTest as docs_erd_current).
"""
import pathlib
import sqlite3
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations" / "sqlite"
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- erd:begin -->", "<!-- erd:end -->"


def parse():
    """Applies the migrations to an in-memory SQLite database and reads the schema back, so the
    diagram shows what the migrations leave (tables rebuilt, renamed or altered included)."""
    db = sqlite3.connect(":memory:")
    for path in sorted(MIGRATIONS.glob("*.sql")):
        db.executescript(path.read_text())
    tables = {}
    names = [row[0] for row in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
    for name in names:
        unique = set()
        for index in db.execute(f"PRAGMA index_list({name})"):
            if index[2] and index[3] == "u":  # a UNIQUE constraint (not an index created apart)
                cols = [c[2] for c in db.execute(f"PRAGMA index_info({index[1]})")]
                if len(cols) == 1:
                    unique.add(cols[0])
        fk_columns = {}
        for fk in db.execute(f"PRAGMA foreign_key_list({name})"):
            fk_columns.setdefault(fk[0], (fk[2], []))[1].append(fk[3])
        single_fk = {cols[0] for _, cols in fk_columns.values() if len(cols) == 1}
        columns = []
        for cid, column, kind, notnull, default, pk in db.execute(f"PRAGMA table_info({name})"):
            single_pk = pk == 1 and sum(1 for c in db.execute(f"PRAGMA table_info({name})") if c[5]) == 1
            key = "PK" if single_pk else ("FK" if column in single_fk else ("UK" if column in unique else ""))
            columns.append((kind.lower(), column, key))
        relations = [(parent, ",".join(cols)) for _, (parent, cols) in sorted(fk_columns.items(), reverse=True)]
        tables[name] = (columns, relations)
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
    diagram = render(parse())
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
