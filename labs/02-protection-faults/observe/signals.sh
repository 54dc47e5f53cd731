#!/usr/bin/env bash
# signals.sh - the kernel's side of a protection fault: strace shows each SIGSEGV
# and SIGBUS as it is delivered, with its si_code and the exact address; then what
# the handler of probe.h does with it. Run: labs/02-protection-faults/observe/signals.sh
# (LABS=solutions for the reference programs).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR/../../common source=observe.bash
source "$(dirname "${BASH_SOURCE[0]}")/../../common/observe.bash"
need strace
obs_setup 02
ulimit -c 0 # no core files from the deliberate crashes
ps=$(getconf PAGESIZE)

# offset_of LEN: si_addr of the signal in the raw trace minus the address that
# the program's mmap() of LEN bytes returned.
offset_of() {
    local base addr
    base=$(trace_program_part "$RAW_TRACE" | sed -En "s/^mmap\(NULL, $1, .* = (0x[0-9a-f]+)$/\1/p" | head -n 1)
    addr=$(sed -En 's/^--- SIG[A-Z]+ \{.*si_addr=(0x[0-9a-f]+)\} ---$/\1/p' "$RAW_TRACE" | head -n 1)
    if [[ -n $base && -n $addr ]]; then
        wrap "si_addr $addr - mapping $base = $((addr - base)) bytes into the mapping"
    fi
}

heading "probe -n: no handler, so the first bad access kills the process"
look "The line '--- SIGSEGV {...} ---' is strace reporting the signal the kernel" \
    "sends at the faulting instruction: si_code says why (SEGV_ACCERR: mapped but" \
    "not allowed; SEGV_MAPERR: nothing mapped), si_addr says where, to the byte."
for op in w:$((ps + 904)) r:$((2 * ps)) r:$((3 * ps + 17)); do
    # (2>/dev/null: the shell's own "Segmentation fault" notice, a repeat)
    OBS_LINES=3 show_traced probe -n "$op" 2>/dev/null
    show_trace '^(--- SIG|\+\+\+)' "$RAW_TRACE"
    offset_of $((5 * ps))
done
why "Page 1 is read-only, page 2 PROT_NONE, page 3 not mapped at all. The exit" \
    "status of a process killed by signal N is 128 + N in the shell: 139 for" \
    "SIGSEGV (11), 135 for SIGBUS (7)."

heading "eofmap -n: a page wholly past the end of the file"
head -c $((ps + 100)) /dev/zero | tr '\0' x >data
look "The file is $((ps + 100)) bytes, the mapping three pages. Page 2 begins past" \
    "the file's last page: SIGBUS, si_code BUS_ADRERR (the address is mapped, but" \
    "there is no file behind it), not SIGSEGV."
OBS_LINES=3 show_traced eofmap -n data r:$((2 * ps + 5)) 2>/dev/null
show_trace '^(--- SIG|\+\+\+)' "$RAW_TRACE"
offset_of $((3 * ps))
if ((STATUS != 135)); then wrap "!! Expected a SIGBUS (exit status 135): task 2.1 maps the file."; fi

heading "probe with its handler (tasks 1.1, 1.2): report and jump back"
look "rt_sigaction() installs the handler with SA_SIGINFO. Before each access," \
    "probe_op() flushes its label ('write +5000: ') with fflush(). After each" \
    "'--- SIGSEGV' line come the handler's own write() calls (no printf there), then" \
    "rt_sigprocmask(SIG_SETMASK, ...): siglongjmp() putting back the signal mask" \
    "that was saved by sigsetjmp(), so that SIGSEGV is no longer blocked."
show_traced probe w:$((ps + 904)) r:$((3 * ps)) 2>/dev/null
expect_success 1.2
show_trace '^(rt_sigaction\(SIG(SEGV|BUS)|--- SIG|write\(1, |rt_sigprocmask\(SIG_SETMASK)'
why "A handler runs in the middle of whatever the program was doing, maybe inside" \
    "printf() or malloc() with a lock held. It may call only async-signal-safe" \
    "functions (signal-safety(7)): write() is one, printf() is not."
