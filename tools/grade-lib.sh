# shellcheck shell=bash
# tools/grade-lib.sh - what the grader's scripts share (sourced, not run):
# the limits, and a safe copy of what sandboxed code wrote. (The data - the
# student's editable files, results and reports - is tools/wb.py's.)

# Limits (environment overrides). Per process: CPU seconds, address space,
# file size, open files; per sandbox: processes, disk and inodes of its
# working directory, /dev/shm; wall time per test (bats) and per lab.
: "${GRADE_CPU:=60}" "${GRADE_MEM_MB:=2048}" "${GRADE_FSIZE_MB:=64}" "${GRADE_NOFILE:=256}"
: "${GRADE_NPROC:=128}" "${GRADE_DISK_MB:=512}" "${GRADE_INODES:=20000}" "${GRADE_SHM_MB:=64}"
: "${GRADE_TEST_TIMEOUT:=120}" "${GRADE_LAB_TIMEOUT:=600}"
: "${GRADE_MAX_FILE_KB:=512}" "${GRADE_MAX_SUBMISSION_MB:=50}"
# Failure text kept per test in the results (lines, and bytes per line).
: "${GRADE_MAX_LINES:=40}" "${GRADE_MAX_LINE:=300}"
export GRADE_CPU GRADE_MEM_MB GRADE_FSIZE_MB GRADE_NOFILE GRADE_NPROC GRADE_DISK_MB \
    GRADE_INODES GRADE_SHM_MB GRADE_TEST_TIMEOUT GRADE_LAB_TIMEOUT GRADE_MAX_FILE_KB \
    GRADE_MAX_SUBMISSION_MB GRADE_MAX_LINES GRADE_MAX_LINE

# lab_limit ID KEY DEFAULT: the lab's `memory` or `timeout` in course.toml, or DEFAULT.
lab_limit() {
    local v
    v=$("$GRADE_ROOT/tools/wb.py" get "$1" "$2")
    echo "${v:-$3}"
}

# safe_copy SRC DST MAXBYTES: copy a regular file that sandboxed code could
# have written, never through a symbolic link (in SRC or any of its parents),
# at most MAXBYTES, without NUL bytes, as valid UTF-8. 1 if there is none.
safe_copy() {
    local real
    real=$(realpath -e -- "$1" 2>/dev/null) || return 1
    [[ $real == "$(realpath -s -m -- "$1")" && -f $real ]] || return 1
    head -c "$3" -- "$real" | tr -d '\000' | iconv -f UTF-8 -t UTF-8 -c >"$2" || true
}
