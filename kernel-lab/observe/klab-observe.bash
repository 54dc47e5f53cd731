# kernel-lab/observe/klab-observe.bash - the helper of the kernel lab's
# observation scripts: run wbshow in the VM with the driver of LABS
# (labs: kernel-lab/, solutions: solutions/kernel-lab/).
# shellcheck shell=bash

klab_lab=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case ${LABS:-labs} in
labs) klab_tree=$klab_lab ;;
solutions) klab_tree=${klab_lab%/*}/solutions/kernel-lab ;;
*) klab_tree=$(cd "$LABS" && pwd) ;;
esac

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
