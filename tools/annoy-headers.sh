#!/usr/bin/env bash
# tools/annoy-headers.sh - annoy's own headers, from Debian, for lab 09's oracle.
#
#   tools/annoy-headers.sh [DIR]     (default $ANNOY_DIR, else $BUILD/annoy, else build/annoy;
#                                     prints DIR when done)
#
# Debian's r-cran-rcppannoy ships annoy's header-only library (annoylib.h,
# kissrandom.h). Installing that package would pull in R, so this fetches the
# .deb with `apt-get download` (no root needed), unpacks it with `dpkg -x` in a
# temporary directory and keeps only the headers the oracle includes, with the
# package's version in DIR/VERSION. Idempotent: when DIR has them, it only says so.
# With ANNOY_HEADERS_FROM set (the grader's sandbox, which has no network), it
# copies them from that directory instead.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The build directory of the tree graded (its user can write it), or ANNOY_DIR: one
# copy shared by several builds (make test, make soak), made ready by its owner first.
dir=${1:-${ANNOY_DIR:-${BUILD:-$root/build}/annoy}}
pkg=r-cran-rcppannoy
headers=(annoylib.h kissrandom.h)

have() {
    local h
    for h in "${headers[@]}" VERSION; do [[ -s $dir/$h ]] || return 1; done
}
if have; then printf '%s\n' "$dir"; exit 0; fi
# One at a time (the tests of a lab run in two bats processes): wait, then look again.
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
if have; then printf '%s\n' "$dir"; exit 0; fi

# Handed in by the grader (tools/grade.sh), whose sandbox has no network.
if [[ -n ${ANNOY_HEADERS_FROM:-} && -s $ANNOY_HEADERS_FROM/VERSION ]]; then
    rm -rf "$dir.new" && mkdir -p "$dir.new"
    for h in "${headers[@]}" VERSION; do cp "$ANNOY_HEADERS_FROM/$h" "$dir.new/"; done
    rm -rf "$dir" && mv "$dir.new" "$dir"
    printf '%s\n' "$dir"
    exit 0
fi
if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
    echo "annoy-headers: needs apt-get and dpkg (Debian or Ubuntu) to fetch $pkg" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt's download sandbox user (_apt) must be able to write there when we are root.
chmod 755 "$tmp"
if ! (cd "$tmp" && apt-get download -q "$pkg" >"$tmp/log" 2>&1); then
    # apt may know nothing of the package until its lists are fetched.
    if ((EUID == 0)) && apt-get update -qq >/dev/null 2>&1 &&
        (cd "$tmp" && apt-get download -q "$pkg" >"$tmp/log" 2>&1); then
        :
    else
        echo "annoy-headers: apt-get download $pkg failed:" >&2
        sed 's/^/  /' "$tmp/log" >&2
        ((EUID == 0)) || echo "  (as root: apt-get update, then run this again)" >&2
        exit 1
    fi
fi
deb=$(ls "$tmp"/"$pkg"_*.deb)
dpkg -x "$deb" "$tmp/x"
inc=$tmp/x/usr/lib/R/site-library/RcppAnnoy/include
mkdir -p "$dir.new"
for h in "${headers[@]}"; do
    [[ -f $inc/$h ]] || { echo "annoy-headers: $deb has no $h" >&2; exit 1; }
    cp "$inc/$h" "$dir.new/"
done
# annoylib.h includes only system headers (and mman.h on Windows): check it.
if grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$dir.new/annoylib.h" | grep -v '"mman.h"' | grep -q .; then
    echo "annoy-headers: annoylib.h includes a local header this script does not keep:" >&2
    grep -E '^[[:space:]]*#[[:space:]]*include[[:space:]]+"' "$dir.new/annoylib.h" >&2
    exit 1
fi
{
    printf 'package: %s\n' "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)"
    # RcppAnnoy.h states the annoy release that the headers are.
    sed -n 's/^#define ANNOY_VERSION_\(MAJOR\|MINOR\|PATCH\) *\([0-9]*\).*/\2/p' "$inc/RcppAnnoy.h" |
        paste -sd. | sed 's/^/annoy: /'
} >"$dir.new/VERSION"
rm -rf "$dir" && mv "$dir.new" "$dir"
printf '%s\n' "$dir"
