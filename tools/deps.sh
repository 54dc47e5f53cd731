#!/usr/bin/env bash
# tools/deps.sh - install the Debian/Ubuntu packages the workbook uses (make deps).
#
#   tools/deps.sh [GROUP...]     groups: core book kernel grader bench soak (default: all of them)
#
# Idempotent: when every package is installed it only checks (well under a
# second). Otherwise it runs apt-get (through sudo when not root); when it
# cannot, it lists what is missing and exits 1.
set -euo pipefail

declare -A group=(
    [core]="make gcc libc6-dev python3 PYTOML bats bats-assert bats-support bats-file strace valgrind shellcheck PERF"
    [book]="pandoc weasyprint"
    [bench]="gnuplot-nox"
    [soak]="stress-ng"
    [kernel]="KIMAGE KHEADERS qemu-system-x86 busybox-static cpio xz-utils"
    [grader]="bubblewrap zip unzip git procps libxml2-utils"
)
order=(core book kernel grader bench soak)

(($# > 0)) || set -- "${order[@]}"
wanted=()
for g in "$@"; do
    [[ -n ${group[$g]:-} ]] || { echo "deps: unknown group '$g' (groups: ${order[*]})" >&2; exit 2; }
    read -ra pkgs <<<"${group[$g]}"
    wanted+=("${pkgs[@]}")
done

# perf comes as linux-perf on Debian and linux-tools-generic on Ubuntu.
# The kernel lab boots a packaged kernel in QEMU: its image and headers, by the same rule.
perf=linux-perf kimage=linux-image-amd64 kheaders=linux-headers-amd64
if grep -qs '^ID=ubuntu' /etc/os-release; then
    perf=linux-tools-generic kimage=linux-image-generic kheaders=linux-headers-generic
fi
# tools/wb.py reads TOML with Python's tomllib (3.11 on), else Debian's python3-tomli.
pytoml=python3
if command -v python3 >/dev/null && ! python3 -c 'import tomllib' 2>/dev/null; then pytoml=python3-tomli; fi
wanted=("${wanted[@]/#PYTOML/$pytoml}")
wanted=("${wanted[@]/#PERF/$perf}")
wanted=("${wanted[@]/#KIMAGE/$kimage}")
wanted=("${wanted[@]/#KHEADERS/$kheaders}")

if ! command -v dpkg-query >/dev/null; then
    echo "deps: this is not a Debian/Ubuntu system; install the equivalents of: ${wanted[*]}" >&2
    exit 1
fi
# One dpkg-query for all: the installed ones, then the wanted ones not among them.
installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "${wanted[@]}" 2>/dev/null |
    awk '$1 ~ /^ii/ { print $2 }') || true
missing=()
for p in "${wanted[@]}"; do
    grep -qx -- "$p" <<<"$installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=()
if ((EUID != 0)); then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo=(sudo)
    elif [[ -t 0 ]] && command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        echo "deps: cannot install as $(id -un) without sudo. As root, run:" >&2
        echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { echo "deps: apt-get could not install: ${missing[*]}" >&2; exit 1; }
