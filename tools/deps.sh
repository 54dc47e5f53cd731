#!/usr/bin/env bash
# tools/deps.sh - install the Debian/Ubuntu packages the workbook uses (make deps).
#
#   tools/deps.sh [--optional] [GROUP...]
#                   groups: core book bookcheck kernel grader bench soak watch dev (default: all)
#
# Idempotent: when every package is installed it only checks (well under a
# second). Otherwise it runs apt-get (through sudo when not root); when it
# cannot (no root, no sudo), it says which packages are missing, what works
# without them and how to grade anyway, and exits 1. With --optional the
# packages are a help, not a need: it exits 0 when it cannot install them
# (make watch polls without inotify-tools).
set -euo pipefail

declare -A group=(
    [core]="make gcc g++ libc6-dev python3 PYTOML bats bats-assert bats-support bats-file strace valgrind shellcheck PERF"
    [book]="pandoc weasyprint gnuplot-nox manpages-dev"
    [bookcheck]="chromium epubcheck"
    [bench]="gnuplot-nox"
    [soak]="stress-ng"
    [watch]="inotify-tools"
    [dev]="tmux clangd inotify-tools python3-yaml"
    [kernel]="KIMAGE KHEADERS qemu-system-x86 busybox-static cpio xz-utils"
    [grader]="bubblewrap zip unzip git procps libxml2-utils similarity-tester"
)
order=(core book bookcheck kernel grader bench soak watch dev)
optional=false
if [[ ${1:-} == --optional ]]; then optional=true; shift; fi

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

# no_root PACKAGE... : what a student without root can do: what is missing,
# what works anyway, and how to be graded.
no_root() {
    if $optional; then
        echo "deps: $* not installed (no root, no sudo): going on without (make watch polls)" >&2
        return
    fi
    cat >&2 <<EOF
deps: missing packages: $*
  They cannot be installed as $(id -un): there is no sudo. Ask whoever has root
  on this machine to run:
    apt-get update && apt-get install -y --no-install-recommends $*
  Meanwhile: your labs still build (make build) and their programs and observe/
  scripts run; to be graded, hand your tree to your instructor's grader
  (make grade SUBMISSION=your-tree), or grade it yourself in a container with
  podman or docker, as an ordinary user (see README.md, "Without root"):
    podman run --rm -it -v "\$PWD":/w -w /w debian:12 sh -c 'apt-get update -qq && apt-get install -y -qq make && make check'
EOF
}

sudo=()
if ((EUID != 0)); then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo=(sudo)
    elif [[ -t 0 ]] && command -v sudo >/dev/null; then
        sudo=(sudo)
    else
        no_root "${missing[@]}"
        $optional && exit 0
        exit 1
    fi
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq || $optional
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { echo "deps: apt-get could not install: ${missing[*]}" >&2; $optional || exit 1; }
