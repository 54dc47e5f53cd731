#!/usr/bin/env bash
# tools/checkpatch.sh - the kernel's own style checker, checkpatch.pl, on a driver.
#
#   tools/checkpatch.sh FILE...    (make test gives it the kernel lab's starter and
#                                   reference: the .c/.h of a lab with its own tree)
#
# Exits non-zero on any complaint (error, warning or check), naming each one.
#
# Debian ships checkpatch.pl only inside the kernel source tarball of
# linux-source-6.1 (neither linux-headers-6.1.0-*-common nor linux-kbuild-6.1
# has it). The first run fetches that package with `apt-get download` (about
# 140 MB, no root needed) into build/checkpatch/, keeps only checkpatch.pl and
# the two data files it reads from its own directory (spelling.txt,
# const_structs.checkpatch), and deletes the rest. Later runs reuse them.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
files=()
for f in "$@"; do files+=("$(realpath -- "$f")"); done
cd "$root"

((${#files[@]})) || { echo "usage: tools/checkpatch.sh FILE..." >&2; exit 2; }
dir=build/checkpatch
pkg=linux-source-6.1
want=(checkpatch.pl spelling.txt const_structs.checkpatch)

# Rules that do not fit a teaching driver, each for a reason:
#   LINUX_VERSION_CODE  the driver is built out of tree against whatever kernel
#                       the student's distribution has (6.1 here, newer
#                       elsewhere); one version test picks vm_flags_set() or
#                       its fallback. In-tree code has one version, hence the rule.
#   BIT_MACRO           wbmap.h is shared with user space (wbtest.c, wbshow.c),
#                       where the kernel's BIT() does not exist; and
#                       1 << WBMAP_CONTIG_ORDER is a number of pages, not a bit.
# The generator's markers (//@solution, //@starter, //@end) and the starter's
# placeholders in the reference are // comments: checkpatch accepts C99
# comments (its C99_COMMENT_TOLERANCE), so they need no exception.
ignore=LINUX_VERSION_CODE,BIT_MACRO

fetch() {
    local missing=false f
    for f in "${want[@]}"; do [[ -s $dir/$f ]] || missing=true; done
    $missing || return 0
    command -v apt-get >/dev/null || { echo "checkpatch: needs apt-get (Debian/Ubuntu) to fetch $pkg" >&2; exit 1; }
    mkdir -p "$dir"
    echo "checkpatch: fetching checkpatch.pl from Debian's $pkg (about 140 MB, once)" >&2
    local deb
    deb=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
    if [[ -z $deb ]]; then
        # As root, apt would hand the download to its _apt user, who may not write here.
        local as_root=()
        ((EUID != 0)) || as_root=(-o APT::Sandbox::User=root)
        (cd "$dir" && apt-get "${as_root[@]}" download "$pkg") >&2
        deb=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
        [[ -n $deb ]] || { echo "checkpatch: apt-get download $pkg gave no .deb" >&2; exit 1; }
    fi
    # The package holds one tarball, /usr/src/linux-source-6.1.tar.xz: stream it
    # out of the .deb and take the three files from it, without unpacking the rest.
    local tmp
    tmp=$(mktemp -d "$dir/.x.XXXXXX")
    if ! dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./usr/src/$pkg.tar.xz" |
        tar -xJf - -C "$tmp" --strip-components=2 "${want[@]/#/$pkg/scripts/}"; then
        rm -rf "$tmp" "$deb" # a broken download is fetched again next time
        echo "checkpatch: cannot take ${want[*]} out of $deb" >&2
        exit 1
    fi
    for f in "${want[@]}"; do mv "$tmp/$f" "$dir/$f"; done
    rmdir "$tmp"
    rm -f "$deb"
}

fetch
# --no-tree: these are files, not a kernel tree. --strict adds the CHECK level.
# --max-line-length=80: the kernel's documented limit (the script's default is 100).
perl "$dir/checkpatch.pl" --no-tree --strict --terse --show-types --max-line-length=80 \
    --ignore "$ignore" -f "${files[@]}"
echo "checkpatch: no complaint about ${files[*]}"
