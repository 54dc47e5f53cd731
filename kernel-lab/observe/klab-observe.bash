# kernel-lab/observe/klab-observe.bash - the helper of the kernel lab's
# observation scripts: run wbshow in the VM with the driver of the tree LABS
# (labs: yours, solutions: the reference; where it is, tools/wb.py says).
# shellcheck shell=bash

klab_lab=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! klab_tree=$(cd "${klab_lab%/*}" && cd "$(tools/wb.py tree "${klab_lab##*/}" "${LABS:-labs}")" && pwd); then
    echo "observe: no driver for LABS=${LABS:-labs}" >&2
    exit 1
fi

# klab_show ARGS: boot, run wbshow ARGS, print its output; stop if the driver
# cannot do it yet (the verdict says why).
klab_show() {
    local out status=0
    printf '$ wbshow %s      (in the VM, driver from %s)\n' "$*" "${klab_tree#"${klab_lab%/*}"/}"
    out=$(KLAB_QUIET=1 "$klab_lab/vm/klab" show "$klab_tree" "$@" 2>&1) || status=$?
    awk '{ print "  " $0 }' <<<"$out"
    if ((status != 0)) || grep -q '^wbshow: ' <<<"$out"; then
        wrap "The driver cannot do this yet (see above): the tasks of the chapter make it work;" \
            "LABS=solutions $0 shows the reference driver."
        exit 1
    fi
}
