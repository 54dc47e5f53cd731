#!/usr/bin/env python3
"""tools/grade-intake.py - read a student's submission without being fooled by it.

  grade-intake.py copy SRC DEST TREE   (tools/grade.sh, outside the sandbox, often
                                       as root) copy a submission where the sandbox
                                       can read it: a file, its first GRADE_MAX_SUBMISSION_MB;
                                       a directory, only the files whose names the grader
                                       knows (the lab files of TREE first), never through a
                                       symbolic link in any component of any path
  grade-intake.py list ARCHIVE         (tools/grade-unpack.sh, in the sandbox) each
                                       whole member of a tar (plain, gzip, xz, bzip2) or
                                       zip archive: TYPE<TAB>SIZE<TAB>NAME<TAB>KEY (f regular,
                                       l link, o other); exit 3 if it is neither
  grade-intake.py extract ARCHIVE DIR  the members whose KEYs are on standard input,
                                       each into DIR/KEY, at most GRADE_MAX_FILE_KB + 1 bytes

Notes for the student (one line each, "note<TAB>TEXT" from list and extract,
plain lines from copy) on standard output. An archive is read as a stream, up
to a budget of bytes unpacked (GRADE_MAX_SUBMISSION_MB): a cut or padded archive
gives what is whole before the cut or the budget, and a note that says so.
"""
import bz2
import gzip
import io
import lzma
import os
import re
import resource
import stat
import subprocess
import sys
import tarfile
import zipfile
import zlib
from pathlib import Path

MB = 1 << 20
BUDGET = int(os.environ.get("GRADE_MAX_SUBMISSION_MB", "50")) * MB
MAX_FILE = int(os.environ.get("GRADE_MAX_FILE_KB", "512")) * 1024
MAX_ENTRIES = 100000  # entries of a directory or archive looked at, at most
SAFE_NAME = re.compile(r"^[A-Za-z0-9._ /+-]+$")  # the names tools/grade-unpack.sh reads


def shown(name):
    """A name as a note may show it (on one line)."""
    return name if SAFE_NAME.match(name) else repr(name)[1:-1]


def size_text(n):
    for unit, size in (("GiB", 1 << 30), ("MB", MB), ("KB", 1024)):
        if n >= size:
            return f"{n // size} {unit}"
    return f"{n} bytes"


# ---------------------------------------------------------------------------
# copy: from the student's tree (which its owner may change as we read it)

def open_beneath(path, flags):
    """Open an absolute path one component at a time, never following a link
    (what openat2's RESOLVE_NO_SYMLINKS does): a component swapped for a link
    fails with ELOOP or ENOTDIR instead of leading elsewhere."""
    fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    parts = [p for p in Path(path).parts[1:]]
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nfd = os.open(part, (flags if last else os.O_RDONLY | os.O_DIRECTORY) | os.O_NOFOLLOW | os.O_CLOEXEC,
                          dir_fd=fd)
            os.close(fd)
            fd = nfd
        return fd
    except OSError:
        os.close(fd)
        raise


def copy_bytes(fd, dest, limit):
    """At most LIMIT bytes of FD into the new file DEST (its runs of zeros as
    holes); the bytes copied."""
    done = 0
    with open(dest, "xb") as out:
        while done < limit:
            chunk = os.read(fd, min(1 << 16, limit - done))
            if not chunk:
                break
            if chunk.count(0) == len(chunk):
                out.seek(len(chunk), os.SEEK_CUR)
            else:
                out.write(chunk)
            done += len(chunk)
        out.truncate(done)
    return done


def wanted_names(tree):
    """The names the grader looks for (tools/grade-unpack.sh chooses among
    them): the editable files (first), the instructor's other files, a lab's
    C files; as the path itself or under up to three directories."""
    wb = Path(__file__).resolve().parent / "wb.py"
    editable = set(subprocess.run([wb, "editable", tree], check=True, capture_output=True, text=True).stdout.split("\n"))
    others = {str(p.relative_to(tree)) for p in Path(tree).rglob("*") if p.is_file()} - editable
    lab_c = re.compile(r"^(labs/)?[0-9][0-9]-[^/]+/[^/]+\.[ch]$")

    def rank(rel):
        parts = rel.split("/")
        best = None
        for k in range(0, min(3, len(parts) - 1) + 1):
            rest = "/".join(parts[k:])
            if rest in editable or "labs/" + rest in editable:
                return 0
            if rest in others or lab_c.match(rest):
                best = 1
        return best
    return rank


def copy_dir(src_fd, dest, rank):
    """The files of a directory (by descriptor) that RANK knows, lab files
    first, each at most MAX_FILE + 1 bytes (enough to see it is too big), in
    all at most BUDGET bytes; links as links. Returns the notes."""
    notes, found, seen, other = [], [], 0, 0
    queue = [(src_fd, "")]
    while queue:
        fd, rel = queue.pop(0)
        try:
            entries = sorted(os.scandir(fd), key=lambda e: e.name)
        except OSError:
            entries = []
        before = len(found)
        for e in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                break
            path = rel + e.name
            try:
                st = os.stat(e.name, dir_fd=fd, follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                if path.count("/") < 7:
                    try:
                        queue.append((os.open(e.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC,
                                              dir_fd=fd), path + "/"))
                    except OSError:
                        pass
            elif stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode):
                r = rank(path)
                if r is not None:
                    found.append((r, path, fd, e.name, stat.S_ISLNK(st.st_mode)))
                else:
                    other += stat.S_ISREG(st.st_mode)
        if len(found) == before and fd != src_fd:
            os.close(fd)  # (a directory stays open while its files are to be read)
        if seen > MAX_ENTRIES:
            notes.append(f"the submission has more than {MAX_ENTRIES} files and directories: only the first were looked at")
            break
    if other:
        notes.append(f"not read: {other} other files (only the workbook's files are)")
    left = BUDGET
    for r, path, fd, name, link in sorted(found, key=lambda f: (f[0], f[1])):
        target = Path(dest, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if link:
            try:
                os.symlink(os.readlink(name, dir_fd=fd), target)
            except OSError:
                pass
            continue
        if left <= 0:
            notes.append(f"not read, over the submission's size budget of {size_text(BUDGET)}: {shown(path)}")
            continue
        try:
            ffd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC, dir_fd=fd)
        except OSError:
            continue
        try:
            if stat.S_ISREG(os.fstat(ffd).st_mode):
                left -= copy_bytes(ffd, target, min(MAX_FILE + 1, left))
        finally:
            os.close(ffd)
    return notes


def copy(src, dest, tree):
    src = os.path.realpath(src)  # the instructor's path as it is now; from here on, no link is followed
    try:
        fd = open_beneath(src, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as e:
        print(f"cannot read the submission: {os.strerror(e.errno)} (was it changed while being read?)")
        return 0
    st = os.fstat(fd)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # a descriptor per directory still to read
    if stat.S_ISDIR(st.st_mode):
        os.makedirs(dest, exist_ok=True)
        notes = copy_dir(fd, dest, wanted_names(tree))
    elif stat.S_ISREG(st.st_mode):
        copy_bytes(fd, dest, BUDGET)
        notes = [] if st.st_size <= BUDGET else [
            f"the submission is {size_text(st.st_size)}, over the size budget of {size_text(BUDGET)}: only its first {size_text(BUDGET)} were read"]
    else:
        notes = ["cannot read the submission: not a directory or a regular file"]
    for n in notes:
        print(n)
    return 0


# ---------------------------------------------------------------------------
# list and extract: an archive, in the sandbox

class Cut(Exception):
    """The archive unpacks to more than the budget."""


class Budget(io.RawIOBase):
    """A stream that ends the reading (raises Cut) past BUDGET bytes, and
    ends where its compressed stream is cut (with what was whole before)."""

    def __init__(self, f):
        self.f, self.done = f, 0

    def readable(self):
        return True

    def readinto(self, b):
        try:
            data = self.f.read(len(b))
        except (EOFError, OSError, zlib.error, lzma.LZMAError):  # a compressed stream cut short: it ends here
            return 0
        self.done += len(data)
        if self.done > BUDGET:
            raise Cut()
        b[:len(data)] = data
        return len(data)


def decompressed(raw):
    magic = raw.read(6)
    raw.seek(0)
    if magic[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)
    if magic == b"\xfd7zXZ\x00":
        return lzma.LZMAFile(raw)
    if magic[:3] == b"BZh":
        return bz2.BZ2File(raw)
    return raw


DAMAGED = (tarfile.TarError, EOFError, OSError, zlib.error, lzma.LZMAError)


def tar_members(path, want, dest, notes):
    """Each whole member of a tar archive: (type, size, name, key); the data of
    those in WANT written to DEST/KEY. A member cut short is not one."""
    whole, tf, name = 0, None, ""
    with open(path, "rb") as raw:
        try:
            tf = tarfile.open(fileobj=Budget(decompressed(raw)), mode="r|")
            for m in tf:
                if whole >= MAX_ENTRIES:
                    notes.append(f"the archive has more than {MAX_ENTRIES} members: only the first were read")
                    break
                key, name = str(whole + 1), m.name
                if m.isreg():
                    f, got, room = tf.extractfile(m), 0, MAX_FILE + 1
                    with open(Path(dest, key), "xb") if key in want else open(os.devnull, "wb") as out:
                        while chunk := f.read(1 << 16):
                            got += len(chunk)
                            out.write(chunk[:room])
                            room -= min(room, len(chunk))
                    if got < m.size:
                        raise EOFError
                    yield "f", m.size, m.name, key
                else:
                    yield ("l" if m.issym() or m.islnk() else "o"), 0, m.name, key
                whole, name = whole + 1, ""
        except Cut:
            notes.append(f"the archive unpacks to more than the size budget of {size_text(BUDGET)}: "
                         f"reading stopped there; the {whole} whole members before it were read")
        except DAMAGED:
            if tf is None:
                raise ValueError("not a tar archive")
            where = f" inside {shown(name)}" if name else ""
            notes.append(f"the archive is cut short{where}: the {whole} whole members before the cut were read")
        if want:  # extracting: these notes were given when listing
            notes.clear()
        if want and str(whole + 1) in want:
            Path(dest, str(whole + 1)).unlink(missing_ok=True)


def zip_members(path, want, dest, notes):
    """Each member of a zip archive; the data of those in WANT, checked as it
    is unpacked: a member that unpacks to more than MAX_FILE is refused,
    whatever size the archive claims for it (a zip bomb)."""
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValueError("not a zip archive")
    with z:
        for n, info in enumerate(z.infolist()[:MAX_ENTRIES], 1):
            key, mode = str(n), info.external_attr >> 16
            kind = "o" if info.is_dir() else "l" if stat.S_ISLNK(mode) else "f"
            if kind == "f" and key in want:
                claimed, info.file_size = info.file_size, MAX_FILE + 2  # no more than this (and no CRC check before)
                try:
                    with z.open(info) as f:
                        data = f.read(MAX_FILE + 1)
                except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError):
                    notes.append(f"not used, damaged in the archive: {shown(info.filename)}")
                    continue
                finally:
                    info.file_size = claimed
                if len(data) > MAX_FILE:
                    notes.append(f"not used, refused as oversize: it unpacks to more than {MAX_FILE // 1024} KB "
                                 f"(the archive claims {size_text(claimed)}): {shown(info.filename)}")
                    continue
                Path(dest, key).write_bytes(data)
            yield kind, info.file_size, info.filename, key


def members(path, want=(), dest=None):
    """The lines of list (or extract): the members, then the notes."""
    notes = []
    with open(path, "rb") as f:
        is_zip = f.read(4) in (b"PK\x03\x04", b"PK\x05\x06")  # a member first, or empty
    lines = [f"{t}\t{size}\t{name}\t{key}"
             for t, size, name, key in (zip_members if is_zip else tar_members)(path, set(want), dest, notes)
             if not re.search(r"[\t\n\r]", name)]
    return lines + [f"note\t{n}" for n in notes]


def main(argv):
    if len(argv) == 4 and argv[0] == "copy":
        return copy(*argv[1:])
    if len(argv) == 2 and argv[0] == "list" or len(argv) == 3 and argv[0] == "extract":
        want = sys.stdin.read().split() if argv[0] == "extract" else ()
        try:
            for line in members(argv[1], want, argv[2] if len(argv) == 3 else None):
                if argv[0] == "list" or line.startswith("note\t"):
                    print(line)
        except ValueError:
            return 3
        return 0
    print(__doc__.split("\n\n")[0], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
