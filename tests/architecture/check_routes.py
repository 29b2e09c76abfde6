#!/usr/bin/env python3
"""Checks that API route files only translate: no src/api/*_routes.cpp names the store's data access.

A use case lives once, in an app service (docs/architecture.md, "One use case, one place"): a route
handler turns the request into arguments and the result into JSON. So a route file that calls a
repository (`store::VideoRepository::get`), the authorizer (`store::Authorizer::authorize`) or a
store query (`store::LayerQuery::segments`) holds a piece of a use case the CLI cannot share; this
check names it as file:line:column. Comments are skipped. Types such as store::Video are fine.

Usage: check_routes.py SRC_DIR         exit 1 and one line per call, as
                                       src/api/x_routes.cpp:12:5: names store::VideoRepository::get
       check_routes.py --self-test     proves a repository call and an authorizer call are reported
"""
import re
import sys
import tempfile
from pathlib import Path

DATA_ACCESS = re.compile(r"\b(?:store::)?(\w+Repository|Authorizer|LayerQuery)::(\w+)")


def violations(src: Path) -> list[str]:
    found = []
    for path in sorted((src / "api").glob("*_routes.cpp")):
        for number, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            code = text.split("//", 1)[0]
            for match in DATA_ACCESS.finditer(code):
                found.append(f"{path}:{number}:{match.start() + 1}: names {match.group(0)}: move it into a "
                             f"function of an app service (src/app/) that the route and the CLI call")
    return found


def self_test() -> int:
    with tempfile.TemporaryDirectory() as directory:
        src = Path(directory)
        (src / "api").mkdir()
        (src / "api" / "bad_routes.cpp").write_text(
            "// store::VideoRepository::get in a comment is fine\n"
            "  RETURN_IF_ERROR(store::VideoRepository::get(*call.tx, *call.scope, video));\n"
            "store::Video v;  store::Authorizer::authorize(tx, p, t, perm);\n",
            encoding="utf-8")
        (src / "api" / "idempotency.cpp").write_text("store::IdempotencyRepository::find(tx);\n", encoding="utf-8")
        found = violations(src)
        expected = [f"{src}/api/bad_routes.cpp:2:19: names store::VideoRepository::get",
                    f"{src}/api/bad_routes.cpp:3:18: names store::Authorizer::authorize"]
        ok = len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected))
        if not ok:
            print("self-test failed: expected\n  " + "\n  ".join(expected) + "\nfound\n  " + "\n  ".join(found))
            return 1
    print("self-test: a repository call and an authorizer call in a route file are both reported")
    return 0


def main(argv: list[str]) -> int:
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = violations(Path(argv[1]))
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} call(s) to the store in route files")
        return 1
    print(f"no route file in {argv[1]}/api names a repository, the authorizer or a store query")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
