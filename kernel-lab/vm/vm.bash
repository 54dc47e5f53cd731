# kernel-lab/vm/vm.bash - the QEMU harness shared by the labs that run in a
# kernel of their own (lab 06's kernel-lab/vm/klab, lab 10's crash replay).
# Sourced, not run. The caller defines die MESSAGE (exit 9) and say MESSAGE
# (a progress line on stderr), and sets:
#   cache   the directory for the extracted kernel and the KVM probe
# Then, in this order:
#   vm_need_tools [TOOL...]   qemu, cpio, a static busybox (+ the tools named)  -> busybox
#   vm_pick_kernel headers|modules  the kernel release to boot; with "headers", one
#                             that also has headers to build modules against
#                             -> release, image, kbuild, kcache
#   vm_extract_kernel         the uncompressed kernel, cached               -> kernel
#   vm_pick_accel             KVM if it really works, else TCG              -> accel, qemu_accel
#   vm_busybox_root DIR       DIR/ becomes a root: busybox, its applets, /dev /proc /sys /tmp
#   vm_add_modules DIR NAME...  copy the modules NAME (e.g. brd dm-log-writes) and
#                             what they need, from /lib/modules/$release, into
#                             DIR/lib/modules, decompressed, in load order in
#                             DIR/lib/modules/load (one file name a line)
#   vm_cpio DIR OUT           pack DIR as a newc cpio (owner root, no root needed)
#   vm_run INITRD TIMEOUT ARGS...  boot it, kernel command line vm_cmdline + ARGS; the
#                             console (ttyS0) in $out/console.log, ttyS1 in $out/tap.log;
#                             QEMU is killed after TIMEOUT s     -> qemu_status, nonce
#   vm_unstamp STAGE...       check and take off the stamps of $out/tap.log's lines;
#                             the forged ones go to $out/forged
#   vm_crash_line FILE        the line number of the kernel's first bug report in FILE
# Environment: KLAB_KERNEL (a release), KLAB_ACCEL (auto|kvm|tcg), KLAB_MEMORY
# (MiB of guest memory, 256).
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # globals shared with the caller (cache, out, qemu_status, ...)

# The lines of a console that say the kernel found a bug in itself.
vm_crash_re='BUG:|Oops|kernel BUG at|WARNING:|Kernel panic|Call Trace:|general protection fault|invalid opcode:|stack-protector|Unable to handle'

vm_need_tools() {
    local missing=() t
    for t in qemu-system-x86_64 cpio "$@"; do
        command -v "$t" >/dev/null || missing+=("$t")
    done
    busybox=$(command -v busybox || true)
    [[ -x /bin/busybox ]] && busybox=/bin/busybox
    if [[ -z $busybox ]] || ldd "$busybox" >/dev/null 2>&1; then missing+=("busybox (static)"); fi
    ((${#missing[@]} == 0)) ||
        die "missing: ${missing[*]}. Install them with: make deps (or: apt-get install -y" \
            "--no-install-recommends linux-image-amd64 linux-headers-amd64 qemu-system-x86" \
            "busybox-static cpio)"
}

# The newest kernel release that has an image (and, with "headers", headers to
# build against, and modules).
vm_pick_kernel() {
    local need_headers=
    [[ ${1:-} != headers ]] || need_headers=1
    if [[ -n ${KLAB_KERNEL:-} ]]; then
        release=$KLAB_KERNEL
    else
        release=$(for image in /boot/vmlinuz-*; do
            r=${image#/boot/vmlinuz-}
            if [[ -n $need_headers ]]; then
                [[ -e /lib/modules/$r/build/Makefile ]] && echo "$r"
            else
                [[ -e /lib/modules/$r/modules.dep ]] && echo "$r"
            fi
        done | sort -V | tail -n 1)
        if [[ -z $release && -n $need_headers ]]; then
            die "no kernel has both /boot/vmlinuz-R and headers in" \
                "/lib/modules/R/build (uname -r is $(uname -r), the running kernel, which may have" \
                "none). Install a kernel image and its headers: make deps"
        fi
        [[ -n $release ]] || die "no kernel has both /boot/vmlinuz-R and its modules in" \
            "/lib/modules/R (uname -r is $(uname -r)). Install a kernel image: make deps"
    fi
    image=/boot/vmlinuz-$release
    kbuild=/lib/modules/$release/build
    [[ -e $image ]] || die "KLAB_KERNEL=$release: no $image"
    if [[ -n $need_headers ]]; then
        [[ -e $kbuild/Makefile ]] || die "KLAB_KERNEL=$release: no headers in $kbuild"
    fi
    [[ -r $image ]] || die "$image is readable by root only (as on Ubuntu): run once" \
        "'sudo chmod 644 $image', or 'sudo $0 kernel' to cache the kernel in $cache"
    kcache=$cache/kernel-$release
    mkdir -p "$kcache"
}

# QEMU boots an uncompressed kernel (an ELF with a PVH entry) much faster
# under TCG than the compressed vmlinuz, which it must decompress in the
# emulated CPU. Extract it once: find the compressed payload in vmlinuz.
vm_extract_kernel() {
    kernel=$kcache/vmlinux
    [[ -s $kernel && $kernel -nt $image ]] && return 0
    local magic tool off tmp=$kernel.$$
    for magic in '\xfd7zXZ\x00:xz -dc --single-stream' '\x28\xb5\x2f\xfd:zstd -dcq' \
        '\x1f\x8b\x08:gzip -dc' '\x02\x21\x4c\x18:lz4 -dc'; do
        tool=${magic#*:}
        command -v "${tool%% *}" >/dev/null || continue
        for off in $(LC_ALL=C grep -aboP "${magic%%:*}" "$image" 2>/dev/null | cut -d: -f1 | head -n 5); do
            tail -c +$((off + 1)) "$image" | $tool >"$tmp" 2>/dev/null || true
            if [[ $(head -c 4 "$tmp" 2>/dev/null) == $'\x7fELF' ]] &&
                LC_ALL=C grep -aqP 'Xen\x00' "$tmp"; then
                mv -f "$tmp" "$kernel"
                return 0
            fi
        done
    done
    rm -f "$tmp"
    say "klab: cannot extract an uncompressed kernel from $image: booting it as it is (slower)"
    kernel=$image
}

# KVM only when it really works: /dev/kvm can be there and yet useless (nested,
# or a flavour the guest kernel cannot run under). The probe boots the kernel
# once with a /init that powers off at once; the answer is cached.
vm_pick_accel() {
    accel=${KLAB_ACCEL:-auto}
    case $accel in
    tcg | kvm) ;;
    auto)
        local probe=$kcache/accel
        if [[ ! -s $probe ]]; then
            accel=tcg
            if [[ -r /dev/kvm && -w /dev/kvm ]]; then
                local dir
                dir=$(mktemp -d)
                mkdir -p "$dir/root/bin"
                cp "$busybox" "$dir/root/bin/busybox"
                printf '#!/bin/busybox sh\n/bin/busybox echo KLAB-KVM-OK\n/bin/busybox poweroff -f\n' >"$dir/root/init"
                chmod 755 "$dir/root" "$dir/root/init"
                (cd "$dir/root" && find . | cpio -o -H newc -R 0:0 --quiet) >"$dir/probe.cpio"
                timeout -k 1 6 qemu-system-x86_64 -accel kvm -cpu host -m 256M -kernel "$kernel" \
                    -initrd "$dir/probe.cpio" -append 'console=ttyS0 quiet panic=-1' -nodefaults \
                    -no-user-config -display none -serial "file:$dir/console" -no-reboot \
                    >/dev/null 2>&1 || true
                if grep -qs KLAB-KVM-OK "$dir/console"; then accel=kvm; fi
                rm -rf "$dir"
            fi
            echo "$accel" >"$probe"
        fi
        accel=$(cat "$probe")
        ;;
    *) die "KLAB_ACCEL must be auto, kvm or tcg, not '$accel'" ;;
    esac
    qemu_accel=(-accel tcg)
    [[ $accel == kvm ]] && qemu_accel=(-accel kvm -cpu host)
    return 0
}

# vm_busybox_root DIR: a root file system for /init scripts in busybox sh,
# with /bin/stamp (see vm_unstamp).
vm_busybox_root() {
    local root=$1 applet
    mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
    cp "$busybox" "$root/bin/busybox"
    for applet in sh mount umount insmod rmmod lsmod poweroff cat cut dmesg echo grep head tail \
        sed sleep wc ls setsid cttyhack mkdir rm; do
        ln -sf busybox "$root/bin/$applet"
    done
    cat >"$root/bin/stamp" <<'EOF'
#!/bin/sh
# stamp NONCE STAGE: each line of the input as "NONCE STAGE N LINE", N from 1 (kernel-lab/vm/vm.bash)
n=0
while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    printf '%s %s %s %s\n' "$1" "$2" "$n" "$line"
done
EOF
    chmod 755 "$root" "$root/bin/stamp"
}

# Forging made visible. The code under test runs in the VM as root (a
# driver in ring 0): it could write the results port itself, as a module's
# init that prints an all-ok TAP would. So each boot has a nonce, 128 random
# bits that vm_run adds to the initramfs as /nonce: /init reads it and deletes
# it before the code under test runs, and each program's results reach ttyS1
# through /bin/stamp NONCE STAGE (a letter per program, in the order they run).
# vm_unstamp STAGE...: $out/tap.log's lines without their stamps (in place);
# every line without this boot's nonce, of a stage out of order, or numbered
# out of order (a second line N, a gap) goes to $out/forged with what is wrong
# with it. (Code in ring 0 can read anything, the nonce too: what it cannot
# do unseen is add lines, the way results were forged so far.)
vm_unstamp() {
    local log=$out/tap.log
    rm -f "$out/forged"
    # A last line cut by the end of the VM (no newline) is dropped, unchecked.
    [[ ! -s $log || -z $(tail -c 1 "$log") ]] || sed -i '$d' "$log"
    awk -v nonce="$nonce" -v stages="$*" -v forged="$out/forged" '
        function bad(why) { printf "%s: %s\n", why, substr($0, 1, 200) >forged }
        BEGIN { nst = split(stages, st, " "); s = 1; want = 1 }
        substr($0, 1, length(nonce) + 1) != nonce " " { bad("a line without this boot'"'"'s nonce"); next }
        {
            split(substr($0, length(nonce) + 2), f, " ")
            line = substr($0, length(nonce) + length(f[1]) + length(f[2]) + 4)
            if (f[1] != st[s]) {
                for (k = s + 1; k <= nst && st[k] != f[1]; k++) {}
                if (k > nst) { bad("a line of stage " f[1] " (unknown, or out of order)"); next }
                s = k; want = 1
            }
            if (f[2] != want "") { bad("line " f[2] " of stage " f[1] " where line " want " was due"); next }
            want++
            print line
        }' "$log" >"$log.lines"
    mv -f "$log.lines" "$log"
}

# vm_add_modules DIR NAME...: the modules and their dependencies (modules.dep),
# dependencies first, decompressed here (busybox insmod may not read .ko.xz).
vm_add_modules() {
    local root=$1 dir=/lib/modules/$release name path dep
    shift
    mkdir -p "$root/lib/modules"
    : >"$root/lib/modules/load"
    local -a order=()
    local -A seen=()
    add_one() { # add_one PATH: its dependencies first
        local p=$1 line d
        [[ -z ${seen[$p]:-} ]] || return 0
        seen[$p]=1
        line=$(grep -m1 "^$p:" "$dir/modules.dep") || die "$p is not in $dir/modules.dep"
        # modules.dep lists a module's dependencies nearest first: load them last first.
        local -a deps
        read -ra deps <<<"${line#*:}"
        for ((d = ${#deps[@]} - 1; d >= 0; d--)); do add_one "${deps[d]}"; done
        order+=("$p")
    }
    for name; do
        path=$(grep -oE "^[^:]*/${name//-/[-_]}\.ko(\.xz|\.zst|\.gz)?:" "$dir/modules.dep" | head -n 1)
        path=${path%:}
        if [[ -z $path ]]; then
            grep -qE "/${name//-/[-_]}\.ko" "$dir/modules.builtin" 2>/dev/null && continue # built in
            die "kernel $release has no module $name (not in $dir/modules.dep)"
        fi
        add_one "$path"
    done
    for path in "${order[@]}"; do
        dep=${path##*/}
        case $dep in
        *.ko.xz) xz -dc "$dir/$path" >"$root/lib/modules/${dep%.xz}" ;;
        *.ko.zst) zstd -dcq "$dir/$path" >"$root/lib/modules/${dep%.zst}" ;;
        *.ko.gz) gzip -dc "$dir/$path" >"$root/lib/modules/${dep%.gz}" ;;
        *) cp "$dir/$path" "$root/lib/modules/$dep" ;;
        esac || die "cannot copy the module $dir/$path"
        dep=${dep%.xz} dep=${dep%.zst} dep=${dep%.gz}
        echo "$dep" >>"$root/lib/modules/load"
    done
}

# vm_cpio DIR OUT: DIR packed as the initramfs format, files owned by root.
vm_cpio() {
    (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$2.$$"
    mv -f "$2.$$" "$2"
}

# The kernel command line. quiet: a fast boot. oops=panic panic_on_warn=1
# softlockup_panic=1 panic=-1 with -no-reboot: any oops, BUG or WARN ends the VM
# at once. preempt=full: a process stuck in a kernel loop cannot starve the
# watchdog of /init. init_on_free=1: a page freed too early reads as zeros.
# panic_on_taint=0x20: a bad page (taint B: a map or reference count gone
# wrong) ends the VM too, before the corruption spreads.
vm_cmdline() {
    printf '%s ' console=ttyS0 quiet oops=panic panic_on_warn=1 softlockup_panic=1 panic=-1 \
        panic_on_taint=0x20 preempt=full init_on_free=1 "$@"
}

# vm_run INITRD TIMEOUT ARGS...: boot; ttyS0 -> $out/console.log, ttyS1 ->
# $out/tap.log, both without \r. QEMU is killed TIMEOUT s after it starts.
vm_run() {
    local initrd=$1 limit=$2
    shift 2
    rm -f "$out/console.log" "$out/tap.log"
    nonce=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
    mkdir -p "$out/nonce.d"
    echo "$nonce" >"$out/nonce.d/nonce"
    (cd "$out/nonce.d" && echo nonce | cpio -o -H newc -R 0:0 --quiet) | cat "$initrd" - >"$out/boot.cpio"
    rm -rf "$out/nonce.d"
    set +e
    timeout -k 2 "$limit" qemu-system-x86_64 "${qemu_accel[@]}" -m "${KLAB_MEMORY:-256}M" \
        -kernel "$kernel" -initrd "$out/boot.cpio" -append "$(vm_cmdline "$@")" \
        -nodefaults -no-user-config -display none -no-reboot \
        -serial "file:$out/console.raw" -serial "file:$out/tap.raw" >"$out/qemu.log" 2>&1
    qemu_status=$?
    set -e
    tr -d '\r' <"$out/console.raw" >"$out/console.log"
    tr -d '\r' <"$out/tap.raw" >"$out/tap.log"
    rm -f "$out/console.raw" "$out/tap.raw" "$out/boot.cpio"
}

# vm_crash_line FILE: the number of the first line of FILE in which the kernel
# reports a bug in itself (none: empty). Lines of /init (KLAB: ...) do not count.
vm_crash_line() {
    grep -vn '^KLAB:' "$1" | grep -E "^[0-9]+:.*($vm_crash_re)" | head -n 1 | cut -d: -f1 || true
}
