#!/usr/bin/python3
"""tools/claims.py [--root DIR] [FILE] - check the book's list of claims
(book/appendix-claims.md): every claim names something that shows it, and
every file and test it names exists. Prints one line per problem and exits 1
if there is any (make test runs it); prints nothing and exits 0 otherwise.

The list is Markdown. A claim is a list item under a "## " heading ("- " at
the start of a line, its continuation lines indented). What shows it is
written in it as
  `PATH`                     a file of the tree (labs/..., tests/..., kernel-lab/...)
  `tests/NN-topic.bats: NAME`  the test of that file named NAME, exactly
  [text](https://...)        the kernel's source or history, or a man page
                             (git.kernel.org, elixir.bootlin.com, man7.org only)
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wb  # noqa: E402  (bats_tests: the names of a .bats file's tests)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = "book/appendix-claims.md"
TREE_PATH = re.compile(r"^(labs|tests|kernel-lab|tools|book|solutions)/[A-Za-z0-9._/-]+$")
TEST_REF = re.compile(r"^(tests/[A-Za-z0-9._/-]+\.bats): (.+)$")
CODE = re.compile(r"`([^`]+)`")
LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
SOURCES = ("https://git.kernel.org/", "https://elixir.bootlin.com/", "https://man7.org/")


def claims(text):
    """[(line number, text)] of the list items of TEXT under its "## " headings
    (the introduction before the first one lists no claim), continuation lines
    joined."""
    out, open_item, listing = [], False, False
    for n, line in enumerate(text.splitlines(), 1):
        listing = listing or line.startswith("## ")
        if not listing:
            continue
        if line.startswith("- "):
            out.append([n, line[2:]])
            open_item = True
        elif open_item and line.startswith("  ") and line.strip():
            out[-1][1] += " " + line.strip()
        else:
            open_item = False  # a blank line, or anything else, ends the item
    return [tuple(c) for c in out]


def check(path, root=ROOT):
    """Every problem of the claims list PATH, as 'FILE:LINE: what' lines."""
    root, path = Path(root), Path(path)
    name = path.relative_to(root) if path.is_relative_to(root) else path
    if not path.is_file():
        return [f"{name}: no such file (the list of the book's claims)"]
    problems, tests = [], {}
    items = claims(path.read_text(encoding="utf-8"))
    if not items:
        problems.append(f"{name}: lists no claim")
    for n, text in items:
        where = f"{name}:{n}"
        shown = 0
        for ref in CODE.findall(text):
            m = TEST_REF.match(ref)
            if m:
                bats, test = m.group(1), m.group(2)
                if bats not in tests:
                    f = root / bats
                    tests[bats] = {t[0] for t in wb.bats_tests(f)} if f.is_file() else None
                if tests[bats] is None:
                    problems.append(f"{where}: no file {bats}")
                elif test not in tests[bats]:
                    problems.append(f'{where}: {bats} has no test "{test}"')
                shown += 1
            elif TREE_PATH.match(ref):
                if not (root / ref).exists():
                    problems.append(f"{where}: no file {ref}")
                shown += 1
        for url in LINK.findall(text):
            if url.startswith(SOURCES):
                shown += 1
            else:
                problems.append(f"{where}: {url} is not the kernel's source or a man page")
        if not shown:
            problems.append(f"{where}: a claim that names nothing that shows it: {text[:60]}...")
    return problems


def main(argv):
    root = ROOT
    if argv[:1] == ["--root"] and len(argv) >= 2:
        root, argv = Path(argv[1]).resolve(), argv[2:]
    if len(argv) > 1:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    path = Path(argv[0]) if argv else root / DEFAULT
    problems = check(path.resolve(), root)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
