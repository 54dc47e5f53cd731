#!/usr/bin/python3
"""tools/listings.py - the code listings written into the chapters, kept equal to the code.

    tools/listings.py [--check] [CHAPTER.md...]    (default: every chapter of the book)

A chapter shows a piece of a lab's file as an ordinary fenced code block, right
after a marker (an HTML comment: invisible in an editor's preview, on a repository's
web page and in the book) that says where the piece comes from:

    <!-- listing mcat.c from="TODO 2.1" to="size_t skip" -->
    ```c
    ...the lines, written here by this tool...
    ```

FILE     relative to the chapter's directory; the book shows the starter (labs/,
         kernel-lab/), so a path that goes through solutions/ is refused.
from/to  literal substrings: from the first line containing `from` to the first line
         after it containing `to`, both included; leave one out for the start or end.
lines    "N-M", "N-" or "N" (1-based, inclusive), instead of from/to.
lang     the fence's language (default: from the file name; "text" for no highlighting).

Without --check the blocks after the markers are rewritten from the files (a missing
block is added). With --check nothing is written: it exits 1, naming chapter, line and
file, when a block differs from its file, and make test runs it. Both refuse a piece
that starts inside a C comment (it would be highlighted as code) or has a line wider
than WIDTH columns (it would be clipped on a page or a phone). The chapters hold
the listings themselves, so a student's tree (TODOs done, markers gone from the
code) still builds the book, and the chapters read complete outside it.
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wb  # noqa: E402  (the manifest: which chapters, in which directories)

WIDTH = 80
MARKER = re.compile(r"^<!-- listing (\S+)((?:\s+\w+=\"(?:[^\"\\]|\\.)*\")*)\s*-->$")
ATTR = re.compile(r"(\w+)=\"((?:[^\"\\]|\\.)*)\"")
FENCE = re.compile(r"^(`{3,})")
LANGUAGES = {".c": "c", ".h": "c", ".sh": "bash", ".bats": "bash", ".mk": "makefile"}


class ListingError(Exception):
    pass


def chapters(root=wb.ROOT):
    """The book's markdown parts, as tools/book.sh puts them together."""
    parts = [root / "book" / "preface.md"]
    parts += [Path(lab.path(root / "labs")) / "README.md" for lab in wb.load_course()]
    parts += sorted((root / "book").glob("appendix-*.md"))
    return [p for p in parts if p.exists()]


def shown(path):
    """PATH for a message: relative to the current directory when it is below it."""
    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def language(name):
    if os.path.basename(name) in ("Makefile", "GNUmakefile"):
        return "makefile"
    return LANGUAGES.get(os.path.splitext(name)[1], "")


def in_comment(lines, upto):
    """Is line number UPTO (0-based) of a C file inside a /* */ comment?"""
    inside = False
    for line in lines[:upto]:
        line = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)  # strings hold no comments
        i = 0
        while i < len(line):
            if inside:
                j = line.find("*/", i)
                if j < 0:
                    break
                inside, i = False, j + 2
            else:
                m = re.compile(r"/\*|//").search(line, i)
                if not m or m.group() == "//":
                    break
                inside, i = True, m.end()
    return inside


def extract(chapter, name, attrs):
    """The piece of NAME (relative to CHAPTER's directory) that ATTRS select, as lines."""
    if "solutions" in Path(os.path.normpath(name)).parts:
        raise ListingError(f'listing {name}: the book shows the starter, never solutions/')
    path = Path(os.path.normpath(chapter.parent / name))
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as e:
        raise ListingError(f"listing {name}: cannot read {shown(path)}: {e.strerror}") from None
    if lines and lines[-1] == "":
        lines.pop()
    first, last = 0, len(lines) - 1
    if "lines" in attrs:
        if "from" in attrs or "to" in attrs:
            raise ListingError(f"listing {name}: give lines or from/to, not both")
        m = re.fullmatch(r"(\d+)(?:-(\d*))?", attrs["lines"])
        if not m:
            raise ListingError(f'listing {name}: lines="{attrs["lines"]}" is not N-M, N- or N')
        first = int(m.group(1)) - 1
        last = len(lines) - 1 if m.group(2) == "" else int(m.group(2) or m.group(1)) - 1
        if not 0 <= first <= last < len(lines):
            raise ListingError(f'listing {name}: lines="{attrs["lines"]}" is outside {shown(path)} ({len(lines)} lines)')

    def find(text, start):
        for i in range(start, len(lines)):
            if text in lines[i]:
                return i
        after = f" after line {start}" if start else ""
        raise ListingError(f'listing {name}: no line of {shown(path)}{after} contains "{text}"')

    if "from" in attrs:
        first = find(attrs["from"], 0)
    if "to" in attrs:
        last = find(attrs["to"], first + 1 if "from" in attrs else 0)
    piece = lines[first:last + 1]
    if language(name) == "c" and attrs.get("lang", "c") == "c" and in_comment(lines, first):
        raise ListingError(f"listing {name}: it starts inside a comment ({shown(path)}:{first + 1}): "
                           "start it at the comment, or give lang=\"text\"")
    wide = [i for i, line in enumerate(piece) if len(line.expandtabs()) > WIDTH]
    if wide:
        raise ListingError(f"listing {name}: {shown(path)}:{first + wide[0] + 1} is wider than {WIDTH} columns")
    return piece


def block(chapter, name, attrs):
    piece = extract(chapter, name, attrs)
    lang = attrs.get("lang") or language(name)
    longest = max((len(m.group(1)) for m in map(FENCE.match, piece) if m), default=2)
    fence = "`" * max(3, longest + 1)
    return [fence + (lang if lang != "text" else ""), *piece, fence]


def process(chapter, write):
    """The problems of CHAPTER's listings; with WRITE, the chapter rewritten from its files."""
    text = chapter.read_text(encoding="utf-8")
    lines = text.split("\n")
    out, problems, i = [], [], 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if not line.startswith("<!-- listing"):
            continue
        where = f"{shown(chapter)}:{i}"
        m = MARKER.match(line)
        if not m:
            problems.append(f'{where}: a listing marker is <!-- listing FILE key="value"... -->')
            continue
        attrs = {k: v.replace('\\"', '"').replace("\\\\", "\\") for k, v in ATTR.findall(m.group(2))}
        unknown = set(attrs) - {"from", "to", "lines", "lang"}
        # the block now in the chapter: from the fence after the marker to its closing fence
        old, end = None, i
        f = FENCE.match(lines[i]) if i < len(lines) else None
        if f:
            close = next((j for j in range(i + 1, len(lines)) if lines[j].rstrip() == f.group(1)), None)
            if close is None:
                problems.append(f"{where}: the code block after the marker is not closed")
                continue
            old, end = lines[i:close + 1], close + 1
        try:
            if unknown:
                raise ListingError(f"listing {m.group(1)}: unknown key {sorted(unknown)[0]}")
            new = block(chapter, m.group(1), attrs)
        except ListingError as e:
            problems.append(f"{where}: {e}")
            continue
        if old != new:
            if write:
                i = end
                out.extend(new)
                continue
            problems.append(f"{where}: the listing of {m.group(1)} differs from the file"
                            f" (tools/listings.py rewrites it)" if old else
                            f"{where}: no code block after the marker (tools/listings.py writes it)")
    if write and out != lines:
        chapter.write_text("\n".join(out), encoding="utf-8")
        print(f"listings: rewrote {shown(chapter)}")
    return problems


def main(argv):
    check = bool(argv) and argv[0] == "--check"
    names = argv[1:] if check else argv
    if any(n.startswith("-") for n in names):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    problems = []
    for chapter in [Path(n) for n in names] or chapters():
        if not chapter.is_file():
            problems.append(f"{chapter}: no such chapter")
            continue
        problems += process(chapter, not check)
    for p in problems:
        print(f"listings: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except wb.WbError as e:
        print(f"listings: {e}", file=sys.stderr)
        sys.exit(2)
