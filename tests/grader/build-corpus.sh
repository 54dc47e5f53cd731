#!/usr/bin/env bash
# tests/grader/build-corpus.sh - make the corpus's submissions (tests/tools/grader.bats).
#
#   tests/grader/build-corpus.sh OUTDIR CANARYDIR [CASE...]
#
# Each case tests/grader/corpus/CASE/ has a case.conf (one `key = value` a line):
#   what    = what the submission does (for people)
#   base    = solution | starter: lab 01's files it starts from
#   lab     = kernel-lab, or a lab's directory (10-crash-replay): that lab's files
#             instead (grade = its lab id)
#   grade   = the lab to grade, when not lab 01 (grader.bats grades it on its own)
#   inject  = PROG.c [CASE]: inject.c (CASE's, when given) goes into PROG.c, its
#             lines before "//@main" at the top of the file, the rest at the top of main()
#   append  = PROG.c: append.c is added at the end of PROG.c
#   perl    = FILE EXPR: perl -0pi -e EXPR on FILE (a change that inject cannot make)
#   format  = dir (default) | tgz | zip | bundle | symlink-file | symlink-dir |
#             dotdot | absolute | oversize | garbage | bundle-nohead (branch main
#             only) | bundle-branches (work and draft, no HEAD) | tar-cut (a tar.gz cut
#             inside its last member) | tar-padded (a tar.gz with a 16 GiB member
#             after the lab files) | tar-sparse (a tar made 16 GiB by a hole
#             after its end) | many-files (a directory with 25,000 small
#             files and a 60 MB one before labs/) | zip-bomb (each lab file
#             unpacks to 1 MB, the archive claims 2-5 KB)
#   name    = the submission's name in OUTDIR, when not CASE.EXT (printf %b: \n
#             is a newline); grader.bats finds its results by the id it had
#   present = TEXT that summary.txt must show; absent = TEXT no result may show
#   skip    = why the case cannot be run yet
# and optionally files/: more files of the submission (tests, Makefile, ...),
# and expected: its golden summary (see grader.bats). In inject.c, @ROOT@,
# @SUBMISSIONS@ and @CANARY@ stand for the project, OUTDIR and CANARYDIR.
# OUTDIR gets CASE (a directory) or CASE.tar.gz, .zip, .bundle. Attempts to
# write outside (dotdot, absolute) aim at CANARYDIR.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$1 canary=$2; shift 2
mkdir -p "$out" "$canary"
lab=01-mmap-flags

conf() { sed -n "s/^$2 = //p" "$here/corpus/$1/case.conf"; }

# inject FILE SNIPPET: the snippet's top part after the file's last #include,
# its main part after main's "{".
inject() {
    sed -e "s|@ROOT@|$root|g; s|@SUBMISSIONS@|$out|g; s|@CANARY@|$canary|g" "$2" >"$1.snippet"
    awk -v snip="$1.snippet" -v last="$(grep -n '^#include' "$1" | tail -n 1 | cut -d: -f1)" '
        BEGIN { while ((getline l < snip) > 0) { if (l == "//@main") main = 1; else if (main) m = m l "\n"; else t = t l "\n" } }
        { print }
        FNR == last { printf "%s", t }
        /^int main\(/ { want = 1; next }
        want && /^\{$/ { printf "%s", m; want = 0 }' "$1" >"$1.new"
    mv "$1.new" "$1"
    rm "$1.snippet"
}

# evil_tar CASE TREE PREFIX...: TREE's files, plus under each PREFIX a canary
# file and a broken mcat.c (archive members that must never be written or used).
evil_tar() {
    local c=$1 tree=$2 stage=$out/.stage-$1 i=0 xf=() names=()
    shift 2
    mkdir -p "$stage"
    for p in "$@"; do
        i=$((i + 1))
        echo 'written outside the sandbox' >"$stage/pwned$i"
        echo 'int main(void) { return 1; } /* must never be graded */' >"$stage/mcat$i.c"
        xf+=(--transform "s|^pwned$i\$|$p/pwned|" --transform "s|^mcat$i\\.c\$|$p/labs/$lab/mcat.c|")
        names+=("pwned$i" "mcat$i.c")
    done
    tar -czPf "$out/$c.tar.gz" "${xf[@]}" -C "$tree" labs -C "$stage" "${names[@]}"
    rm -rf "$stage"
}

# The big inputs are made here, never committed: the padding as a gzip
# member of 1 MiB of zeros repeated, the 60 MB file sparse.
commit() { # commit DIR: its files as one commit of branch main
    git -C "$1" init -q -b main && git -C "$1" add -A &&
        git -C "$1" -c user.name=student -c user.email=student@example.com commit -qm work
}
tar_padded() {
    python3 - "$1" "$2" <<'EOF'
import gzip, io, sys, tarfile
tree, dest = sys.argv[1:]
buf = io.BytesIO()
tarfile.open(fileobj=buf, mode="w").add(tree + "/labs", arcname="labs")  # not closed: no end of archive yet
pad = tarfile.TarInfo("padding.bin")
pad.size = 16 << 30
zeros = gzip.compress(bytes(1 << 20))
with open(dest, "wb") as f:
    f.write(gzip.compress(buf.getvalue() + pad.tobuf()))
    for _ in range(pad.size >> 20):
        f.write(zeros)
    f.write(gzip.compress(bytes(1024)))
EOF
}
zip_bomb() {
    python3 - "$1" "$2" <<'EOF'
import struct, sys, zipfile
from pathlib import Path
tree, dest = sys.argv[1:]
with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(Path(tree).rglob("*.c")):
        z.writestr(f"project/{f.relative_to(tree)}", f.read_bytes() + bytes(1 << 20))
data = bytearray(Path(dest).read_bytes())
with zipfile.ZipFile(dest) as z:
    infos = z.infolist()
claims = [2048 + 512 * i for i in range(len(infos))]
for info, claim in zip(infos, claims):  # the local headers' uncompressed size
    struct.pack_into("<I", data, info.header_offset + 22, claim)
at = data.find(b"PK\x01\x02")
for claim in claims:  # the central directory's
    struct.pack_into("<I", data, at + 24, claim)
    at = data.find(b"PK\x01\x02", at + 4)
Path(dest).write_bytes(data)
EOF
}

cases=("$@")
((${#cases[@]})) || mapfile -t cases < <(ls "$here/corpus")
for c in "${cases[@]}"; do
    [[ -z $(conf "$c" skip) ]] || continue
    tree=$out/.tree-$c dest=labs/$lab from=$lab
    case $(conf "$c" lab) in
    '') ;;
    kernel-lab) dest=kernel-lab from=kernel-lab ;;
    *) dest=labs/$(conf "$c" lab) from=$(conf "$c" lab) ;;
    esac
    rm -rf "$tree" "${out:?}/$c" "$out/$c".*
    [[ -z $(conf "$c" name) ]] || rm -rf "${out:?}/$(printf '%b' "$(conf "$c" name)")"
    mkdir -p "$tree/$dest"
    case $(conf "$c" base) in
    solution) cp "$root/solutions/$from"/*.[ch] "$tree/$dest/" ;;
    starter) cp "$root/$dest"/*.[ch] "$tree/$dest/" ;;
    esac
    [[ ! -d $here/corpus/$c/files ]] || cp -r "$here/corpus/$c/files/." "$tree/"
    read -r prog src <<<"$(conf "$c" inject)" || true
    [[ -z $prog ]] || inject "$tree/$dest/$prog" "$here/corpus/${src:-$c}/inject.c"
    prog=$(conf "$c" append)
    [[ -z $prog ]] || cat "$here/corpus/$c/append.c" >>"$tree/labs/$lab/$prog"
    read -r prog expr <<<"$(conf "$c" perl)" || true
    [[ -z $prog ]] || perl -0pi -e "$expr" "$tree/$dest/$prog"
    format=$(conf "$c" format)
    case ${format:-dir} in
    dir) mv "$tree" "$out/$c" ;;
    tgz) cp "$root/Makefile" "$root/course.toml" "$tree/" && tar -czf "$out/$c.tar.gz" -C "$tree" . ;;
    zip) mkdir "$tree.zip" && mv "$tree" "$tree.zip/project" && (cd "$tree.zip" && zip -qr "$out/$c.zip" project) && rm -rf "$tree.zip" ;;
    bundle) git -C "$tree" init -q && git -C "$tree" add -A &&
        git -C "$tree" -c user.name=student -c user.email=student@example.com commit -qm work &&
        git -C "$tree" bundle create -q "$out/$c.bundle" HEAD 2>/dev/null ;;
    symlink-file) ln -sf "$root/solutions/$lab/mcat.c" "$tree/labs/$lab/mcat.c" && mv "$tree" "$out/$c" ;;
    symlink-dir) rm -rf "$tree/labs/$lab" && ln -s "$root/solutions/$lab" "$tree/labs/$lab" && mv "$tree" "$out/$c" ;;
    dotdot) evil_tar "$c" "$tree" "../../../../../../../../../..$canary" "labs/../../../x" ;;
    absolute) evil_tar "$c" "$tree" "$canary" "" ;;
    garbage) printf "this is not a tarball\n" >"$out/$c.tar.gz" ;;
    bundle-nohead) commit "$tree" && git -C "$tree" bundle create -q "$out/$c.bundle" main 2>/dev/null ;;
    bundle-branches) commit "$tree" && git -C "$tree" branch -q -m work && git -C "$tree" branch -q draft &&
        git -C "$tree" bundle create -q "$out/$c.bundle" work draft 2>/dev/null ;;
    tar-cut) head -c 200000 /dev/urandom | base64 >"$tree/zz-notes.txt" &&
        tar -cf "$tree.tar" -C "$tree" labs zz-notes.txt &&
        head -c $(($(stat -c %s "$tree.tar") - 100000)) "$tree.tar" | gzip >"$out/$c.tar.gz" && rm "$tree.tar" ;;
    tar-padded) tar_padded "$tree" "$out/$c.tar.gz" ;;
    tar-sparse) tar -cf "$out/$c.tar" -C "$tree" labs && truncate -s 16G "$out/$c.tar" ;;
    many-files) mkdir -p "$tree/aaa" && truncate -s 60M "$tree/aaa/data.bin" &&
        (cd "$tree/aaa" && seq -f 'f%05g.txt' 1 25000 | xargs touch) && mv "$tree" "$out/$c" ;;
    zip-bomb) zip_bomb "$tree" "$out/$c.zip" ;;
    oversize) head -c 600000 /dev/zero | tr '\0' ' ' | sed 's|^|/*|; s|$|*/|' >>"$tree/labs/$lab/mcat.c" &&
        mv "$tree" "$out/$c" ;;
    esac
    rm -rf "$tree"
    name=$(conf "$c" name)
    for made in "$out/$c" "$out/$c".*; do
        [[ -z $name || ! -e $made ]] || { mv -T "$made" "$out/$(printf '%b' "$name")"; break; }
    done
done
