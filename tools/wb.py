#!/usr/bin/python3
"""tools/wb.py - the workbook's data layer: every piece of structured data the
tools read or write goes through this one module (Python's standard library only).

    the manifest     course.toml, read as real TOML and checked: load_course()
    a lab's files    Lab.path(BASE): where its files are in labs/, solutions/ or a
                     student's tree (the one rule, with the manifest's `tree` key)
    the tests        bats_tests(): each test's name, task and points (its tags)
    the results      read_tap() + join(): a lab's TAP joined with its tests' points
    every format     the summary, Gradescope results.json, JUnit XML, TAP, the class CSV
    the course check check_course(): manifest, TODOs, tests, hints and files agree

The command-line face is for the bash tools; `tools/wb.py help` lists it. It runs
Debian's /usr/bin/python3 (tools/deps.sh installs it): the tools call it often, and
a version manager's shim in front of python3 can cost a second a call.
Exit status: 0 done, 1 a negative answer (no such lab, a check failed), 2 bad input.
"""

import io
import json
import os
import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11 (Ubuntu 22.04): Debian's python3-tomli
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


class WbError(Exception):
    """Bad input: the message names the file (and line) and what is wrong."""


# ---------------------------------------------------------------------------
# The manifest

class Task:
    def __init__(self, lab, id, title, points, hint, hint2=""):
        self.lab, self.id, self.title, self.points, self.hint = lab, id, title, points, hint
        self.hint2 = hint2  # the second hint, shown after HINT2_AFTER failed checks of the task


class Lab:
    def __init__(self, id, dir, title, tree="", vm=False, memory=0, timeout=0, visibility="visible", tasks=None):
        self.id, self.dir, self.title = id, dir, title
        self.tree = tree    # where the lab's files live when not in labs/DIR (kernel-lab)
        self.vm = vm        # its tests run in Debian's kernel under QEMU: no valgrind pass
        self.memory, self.timeout = memory, timeout  # the grader's limits for the lab (0: its default)
        self.visibility = visibility  # when Gradescope shows the lab's tests to students
        self.tasks = tasks if tasks is not None else []

    def path(self, base="labs"):
        """Where this lab's files are in the tree BASE: labs (the student's tree),
        solutions, or any directory. BASE/DIR, except for a lab with a `tree`
        key, which is TREE beside BASE when BASE is a labs/ directory (the
        student's kernel-lab/ sits beside labs/), and BASE/TREE elsewhere."""
        base = str(base).rstrip("/") or "/"
        if not self.tree:
            return os.path.join(base, self.dir)
        if os.path.basename(base) == "labs":
            return os.path.join(os.path.dirname(base), self.tree)
        return os.path.join(base, self.tree)

    def deps(self):
        """The groups of tools/deps.sh this lab's grading needs."""
        return ["core", "kernel"] if self.vm else ["core"]


LAB_KEYS = {"id": str, "dir": str, "title": str, "tree": str, "vm": bool,
            "memory": int, "timeout": int, "visibility": str, "task": list}
# Gradescope's visibility of a test: always, after the due date, once the
# instructor publishes the grades, or never (then students do not see the total).
VISIBILITY = ("visible", "after_due_date", "after_published", "hidden")
TASK_KEYS = {"id": str, "title": str, "points": int, "hint": str, "hint2": str}
REQUIRED_LAB = ("id", "dir", "title")
REQUIRED_TASK = ("id", "title", "points", "hint")


def _key_lines(text):
    """(lab index, task index or None, key) -> line number, for messages:
    tomllib gives no positions once a file has been read."""
    where, lab, task = {}, -1, None
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if re.match(r"^\[\[\s*lab\s*\]\]", s):
            lab, task = lab + 1, None
            where[(lab, None, None)] = n
        elif re.match(r"^\[\[\s*lab\s*\.\s*task\s*\]\]", s):
            task = 0 if task is None else task + 1
            where[(lab, task, None)] = n
        else:
            m = re.match(r'^("?)([A-Za-z0-9_-]+)\1\s*=', s)
            if m:
                where.setdefault((lab, task, m.group(2)), n)
    return where


def _check_table(table, keys, required, what, at):
    for key, value in table.items():
        if key not in keys:
            raise WbError(f"{at(key)}: {what}: unknown key '{key}' (known: {', '.join(k for k in keys if k != 'task')})")
        want = keys[key]
        # bool is an int in Python: a number must not be true/false, nor the reverse.
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            kind = {str: "a string", int: "a whole number", bool: "true or false", list: "tables"}[want]
            raise WbError(f"{at(key)}: {what}: '{key}' must be {kind}, not {value!r}")
        if want is str and key not in ("hint", "hint2") and (not value.strip() or "\n" in value or "\t" in value):
            raise WbError(f"{at(key)}: {what}: '{key}' must be one line of text, not {value!r}")
    for key in required:
        if key not in table:
            raise WbError(f"{at(None)}: {what}: the key '{key}' is missing")


def load_course(path=None):
    """The labs of course.toml, in order, each with its tasks; WbError on any
    problem, naming the file, the line and the key."""
    path = Path(path or os.environ.get("COURSE_MANIFEST") or ROOT / "course.toml")
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as e:
        raise WbError(f"{path}: cannot read it: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise WbError(f"{path}: not UTF-8 text (byte {e.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise WbError(f"{path}: not valid TOML: {e}") from None
    lines = _key_lines(text)
    name = path.name

    def at(lab, task):
        def where(key):
            n = lines.get((lab, task, key)) or lines.get((lab, task, None))
            return f"{name}:{n}" if n else name
        return where

    extra = [k for k in data if k != "lab"]
    if extra:
        raise WbError(f"{name}:{lines.get((-1, None, extra[0]), '?')}: unknown top-level key '{extra[0]}' (only [[lab]] tables)")
    if not isinstance(data.get("lab"), list) or not data["lab"]:
        raise WbError(f"{name}: no [[lab]] table")
    labs, seen = [], {}
    for i, t in enumerate(data["lab"]):
        _check_table(t, LAB_KEYS, REQUIRED_LAB, f"lab #{i + 1}", at(i, None))
        what = f"lab {t['id']}"
        if not re.fullmatch(r"[0-9]{2}", t["id"]):
            raise WbError(f"{at(i, None)('id')}: {what}: the id must be two digits")
        if not re.fullmatch(re.escape(t["id"]) + r"-[a-z0-9]+(-[a-z0-9]+)*", t["dir"]):
            raise WbError(f"{at(i, None)('dir')}: {what}: dir must be ID-topic in lower case, like {t['id']}-some-topic")
        if "tree" in t and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", t["tree"]):
            raise WbError(f"{at(i, None)('tree')}: {what}: tree must be one directory name")
        if t.get("visibility", "visible") not in VISIBILITY:
            raise WbError(f"{at(i, None)('visibility')}: {what}: visibility must be one of {', '.join(VISIBILITY)}, "
                          f"not {t['visibility']!r}")
        for key in ("id", "dir"):
            if (key, t[key]) in seen:
                raise WbError(f"{at(i, None)(key)}: {what}: {key} '{t[key]}' is also lab #{seen[(key, t[key])]}'s")
            seen[(key, t[key])] = i + 1
        lab = Lab(**{k: v for k, v in t.items() if k != "task"})
        tids = set()
        for j, tt in enumerate(t.get("task", [])):
            _check_table(tt, TASK_KEYS, REQUIRED_TASK, f"{what}, task #{j + 1}", at(i, j))
            if not re.fullmatch(r"[0-9]+\.[0-9]+", tt["id"]):
                raise WbError(f"{at(i, j)('id')}: {what}: a task id is N.M, not {tt['id']!r}")
            if tt["id"] in tids:
                raise WbError(f"{at(i, j)('id')}: {what}: task {tt['id']} appears twice")
            if tt["points"] <= 0:
                raise WbError(f"{at(i, j)('points')}: {what}, task {tt['id']}: points must be positive")
            for key in ("hint", "hint2"):
                if key in tt and not tt[key].strip():
                    raise WbError(f"{at(i, j)(key)}: {what}, task {tt['id']}: the {key} is empty")
            tids.add(tt["id"])
            lab.tasks.append(Task(lab=lab.id, **tt))
        labs.append(lab)
    return labs


def find_lab(labs, want):
    """The lab whose id, dir or tree is WANT (a trailing / or a path ignored)."""
    want = want.rstrip("/").rsplit("/", 1)[-1]
    for lab in labs:
        if want in (lab.id, lab.dir) or (lab.tree and want == lab.tree):
            return lab
    return None


def build_dir(labs_tree, root=ROOT):
    """Where the programs of the tree LABS are built: $BUILD if set, else
    build/NAME (NAME: the tree's last component, labs or solutions), under root."""
    build = os.environ.get("BUILD") or os.path.join("build", os.path.basename(os.path.abspath(labs_tree)))
    return os.path.join(root, build)


# ---------------------------------------------------------------------------
# Tests and results

TAG_RE = re.compile(r"^# bats test_tags=(.*)$")
TEST_RE = re.compile(r'^@test "((?:[^"\\]|\\.)*)" *\{ *(\}\s*)?$')


def bats_tests(path):
    """[(name, task, points)] of a bats file, from each test's
    `# bats test_tags=task:N_M,points:P` line (bats tags cannot hold a dot)."""
    out, tags = [], {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        m = TAG_RE.match(line)
        if m:
            tags = dict(kv.split(":", 1) for kv in m.group(1).split(",") if ":" in kv)
            continue
        m = TEST_RE.match(line)
        if m:
            name = re.sub(r"\\(.)", r"\1", m.group(1))
            points = tags.get("points", "0")
            if not points.isdigit():
                raise WbError(f"{path}:{n}: points:{points} is not a whole number")
            out.append((name, tags.get("task", "").replace("_", "."), int(points)))
            tags = {}
    return out


TAP_RESULT = re.compile(r"^(not )?ok ([0-9]+) (.*)$")
BATS_NOISE = re.compile(r"^ *\(?(in test file|from function) |^  `.*. failed$")


class TapResult:
    def __init__(self, number, name, ok, skip=False, timeout=""):
        self.number, self.name, self.ok, self.skip = number, name, ok, skip
        self.timeout = timeout  # seconds, when bats stopped the test
        self.lines = []         # its "# " lines, bats' own left out


def read_tap(text):
    """The results of a TAP stream (bats --tap): [TapResult], in stream order.
    Text is decoded leniently: a program's output may be any bytes."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    results, cur = [], None
    for line in text.split("\n"):  # only \n ends a line: a \r is part of the output
        m = TAP_RESULT.match(line)
        if m:
            name, skip, secs = m.group(3), False, ""
            if re.search(r" # skip( .*)?$", name):
                name, skip = re.sub(r" # skip( .*)?$", "", name), True
            t = re.search(r" # timeout after ([0-9]+)s$", name)
            if t:
                name, secs = name[:t.start()], t.group(1)
            cur = TapResult(int(m.group(2)), name, m.group(1) is None, skip, secs)
            results.append(cur)
        elif cur is not None and line.startswith("# "):
            if not BATS_NOISE.search(line[2:]):
                cur.lines.append(line[2:])
    return results


TAMPER_MARK = "TAMPERED: "    # a failure text that begins so: the VM's harness saw forged lines
BATS_OWN = re.compile(r"^(setup_file|teardown_file|setup_suite|teardown_suite) failed$")


def join(lab, tap_text, tests, max_lines=0, max_len=0, strict=False):
    """A lab's results: each test of the bats file (name, task, points) with its
    result in the TAP. A test with no result failed: bats was stopped during it,
    or before it. Failure text is capped at max_lines lines of max_len characters
    (0: no cap). Lines of the TAP that are not results of this file's tests,
    twice or out of order, are listed as anomalies. strict (the grader, where
    the student's code cannot write the TAP): any anomaly, a plan that is not
    the lab's count of tests, or a test failed with TAMPER_MARK (kernel-lab/vm
    found forged result lines) makes the lab's verdict TAMPERED: every test
    fails with 0 points, and "tampered" holds the evidence."""
    tap = read_tap(tap_text)
    by_name, anomalies, names = {}, [], {t[0] for t in tests}
    order = {t[0]: i for i, t in enumerate(tests)}
    last = -1
    for i, r in enumerate(tap, 1):
        if strict and BATS_OWN.match(r.name):
            continue  # bats' own report of a failed setup_file: no test has a result
        if r.name not in names:
            anomalies.append(f"a result for no test of this lab: {r.name}")
        elif r.name in by_name:
            anomalies.append(f"a second result for: {r.name}")
        else:
            by_name[r.name] = r
            if strict and (r.number != i or order[r.name] < last):
                anomalies.append(f"a result out of order (number {r.number}, line {i} of the results): {r.name}")
            last = max(last, order[r.name])
    text = tap_text.decode("utf-8", "replace") if isinstance(tap_text, bytes) else tap_text
    plan = re.search(r"^1\.\.([0-9]+)$", text, re.M)
    if strict and plan and int(plan.group(1)) != len(tests):
        anomalies.append(f"a plan of {plan.group(1)} tests, where the lab has {len(tests)}")
    # (a mark's evidence: its first line and the next few, the VM harness's report)
    marks = [" ".join([r.lines[0][len(TAMPER_MARK):]] + [ln.strip() for ln in r.lines[1:6]])
             for r in by_name.values() if not r.ok and r.lines and r.lines[0].startswith(TAMPER_MARK)]
    out, stopped = [], False
    for name, task, points in tests:
        r = by_name.get(name)
        if r is None:
            status = "fail"
            output = ("not run: the lab's test run had stopped before this test" if stopped else
                      "no result: the lab's test run stopped during this test (killed, or out of its limits)")
            stopped = True
        else:
            status = "pass" if r.ok else "fail"
            lines = r.lines if not r.ok else []
            if r.timeout:
                lines = [f"the test did not finish within {r.timeout} s (stopped)"] + lines
            if max_len:
                lines = [ln if len(ln) <= max_len else ln[:max_len] + " ..." for ln in lines]
            if max_lines and len(lines) > max_lines:
                lines = lines[:max_lines] + [f"... ({len(lines) - max_lines} more lines cut)"]
            output = "\n".join(lines)
        out.append({"name": name, "task": task, "points": points if status == "pass" else 0,
                    "max": points, "status": status, "output": output})
    res = {"lab": lab.id, "dir": lab.dir, "title": lab.title, "tests": out, "anomalies": anomalies}
    evidence = (anomalies + marks[:1]) if strict else []
    if evidence:
        res["verdict"], res["tampered"] = "TAMPERED", evidence
        for t in out:
            t.update(points=0, status="fail",
                     output="TAMPERED: the lab's results were forged (0 points for the lab): " + "; ".join(evidence[:3]))
    return res


def select(tests, task=None, other=False):
    """The tests of one task (or, with other, every test but that task's);
    all of them when task is None."""
    if task is None:
        return list(tests)
    return [t for t in tests if (t[1] == task) != other]


NOT_CHECKED = "not checked yet: this run checked one task (make check LAB={lab} checks them all)"


def merge(old, new, tests):
    """A lab's results after a run of some of its tests (NEW): the results of
    OLD (the lab's last results, or None) with NEW's in their place, in the
    order of the bats file's TESTS. A test in neither has not been checked:
    it counts as failed until a run checks it."""
    got = {t["name"]: t for t in (old or {}).get("tests", [])}
    got.update({t["name"]: t for t in new["tests"]})
    out = []
    for name, task, points in tests:
        t = got.get(name)
        if t is None or t["task"] != task or t["max"] != points:
            t = {"name": name, "task": task, "points": 0, "max": points, "status": "fail",
                 "output": NOT_CHECKED.format(lab=new["lab"])}
        out.append(t)
    return {**new, "tests": out}


def read_results(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_json(path, data):
    Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# Text made safe for each format

ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
XML_BAD = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def for_terminal(s):
    """Text a terminal shows as it is: escape sequences (cursor moves, colours,
    clipboard writes) and other control characters written out visibly."""
    s = ESCAPES.sub(lambda m: "\\e" + m.group(0)[1:].replace("\x1b", "\\e").replace("\x07", "\\a"), s)
    return CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 256 else f"\\u{ord(m.group(0)):04x}", s)


def for_xml(s):
    """Text XML 1.0 accepts (and a terminal shows as it is): the characters it
    forbids written out visibly."""
    return XML_BAD.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 256 else f"\\u{ord(m.group(0)):04x}",
                      for_terminal(s))


def one_line(s):
    """Text a terminal shows as it is, on one line."""
    return for_terminal(str(s)).replace("\n", "\\n")


def csv_cell(s):
    """A cell a spreadsheet shows as text, never runs as a formula."""
    s = one_line(s)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


# ---------------------------------------------------------------------------
# The student's view: tools/check.sh prints each lab, then the progress

def lab_block(results, verbose=False, out=sys.stdout, task=None):
    """One lab's lines for make check: every test with its points, the failure
    text of the next task to work on (of every failed test when verbose).
    With task: only that task's tests, every failure text, and the lab's line."""
    tests = results["tests"]
    nxt = next((t["task"] for t in tests if t["status"] == "fail"), None)
    if task is not None:
        nxt = task
    for t in tests:
        if task is not None and t["task"] != task:
            continue
        word = "PASS" if t["status"] == "pass" else "FAIL"
        print(f"  {word} {t['points']:>2}/{t['max']:<2} {for_terminal(t['name'])}", file=out)
        if t["status"] == "fail" and (verbose or t["task"] == nxt):
            lines = for_terminal(t["output"]).split("\n") if t["output"] else []
            if not verbose and len(lines) > 12:
                lines = lines[:12] + [f"... ({len(lines) - 12} more lines: make check VERBOSE=1)"]
            for ln in lines:
                print("         " + ln, file=out)
    got, mx = sum(t["points"] for t in tests), sum(t["max"] for t in tests)
    npass = sum(t["status"] == "pass" for t in tests)
    print(f"  Lab {results['lab']}: {got}/{mx} points ({npass} of {len(tests)} tests pass)", file=out)


HINT2_AFTER = 3     # failed checks of the same task before its second hint shows


def hint2_after():
    v = os.environ.get("WB_HINT2_AFTER", "")
    return int(v) if v.isdigit() else HINT2_AFTER


def read_tries(path):
    """The tries file (build/.../tries.json): failed checks per "LAB TASK"."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def count_tries(path, all_results, task_key):
    """One more failed check of TASK_KEY ("LAB TASK", or None: none failed);
    the tasks that pass forget their count. Returns the counts."""
    tries = read_tries(path)
    for r in all_results:
        for t in r["tests"]:
            if t["status"] == "pass":
                tries.pop(f"{r['lab']} {t['task']}", None)
    if task_key:
        tries[task_key] = tries.get(task_key, 0) + 1
    try:
        write_json(path, dict(sorted(tries.items())))
    except OSError:
        pass  # a read-only tree (the grader's): the count is only a help
    return tries


def hint_lines(task, tries):
    """The hints of TASK for a student who failed its check TRIES times: the
    first always, the second (when there is one) after hint2_after() failures."""
    if task is None:
        return []
    out = [f"  Hint: {task.hint}"]
    if task.hint2:
        n = hint2_after()
        if tries >= n:
            out.append(f"  Hint 2 (after {tries} failed checks): {task.hint2}")
        else:
            out.append(f"  (a second hint shows after {n} failed checks of this task; {tries} so far)")
    return out


def next_task(all_results, task=None, skip=()):
    """(lab id, task id) of the task to work on: TASK when it fails, else the
    first failing task not in SKIP ("LAB TASK" strings), else the first failing."""
    failing = [(r["lab"], t["task"]) for r in all_results for t in r["tests"] if t["status"] == "fail"]
    failing = list(dict.fromkeys(failing))
    if task is not None:
        mine = [f for f in failing if f[1] == task]
        if mine:
            return mine[0]
    rest = [f for f in failing if f"{f[0]} {f[1]}" not in skip]
    return (rest or failing or [None])[0]


def progress(labs, all_results, labs_base, out=sys.stdout, task=None, tries_file=None, count=False, skip=()):
    """The progress bar over the labs graded, and the next thing to do: the
    first failing test's task (TASK, when it is one of them), its hints and where
    its TODO is. With count, one more failed check of that task goes in
    TRIES_FILE. True: all pass."""
    tests = [t for r in all_results for t in r["tests"]]
    got, mx = sum(t["points"] for t in tests), sum(t["max"] for t in tests)
    npass = sum(t["status"] == "pass" for t in tests)
    w, f = 30, (30 * got // mx if mx else 0)
    print(f"\nProgress [{'#' * f}{'.' * (w - f)}] {got}/{mx} points, {npass} of {len(tests)} tests pass", file=out)
    nxt = next_task(all_results, task, skip)
    key = f"{nxt[0]} {nxt[1]}" if nxt else None
    tries = {}
    if tries_file:
        tries = count_tries(tries_file, all_results, key) if count else read_tries(tries_file)
    if tests and npass == len(tests):
        return True
    if nxt is None:
        return False
    lab = find_lab(labs, nxt[0])
    t = next((x for x in lab.tasks if x.id == nxt[1]), None)
    title = t.title if t else "(a task missing from course.toml)"
    tree = lab.path(labs_base)
    where = todo_file(tree, nxt[1]) or tree
    print(f"Next: lab {lab.id}, task {nxt[1]}, {title}", file=out)
    error = compile_error(x for res in all_results if res["lab"] == nxt[0] for x in res["tests"]
                          if x["task"] == nxt[1] and x["status"] == "fail")
    if error:
        prog, line, path, at = error
        print(f"  {prog} does not compile; the compiler's first error:", file=out)
        print(f"    {for_terminal(line)}", file=out)
        print(f"  Open {path or tree}{f' at line {at}' if at else ''}, fix it, then run: make check LAB={lab.id} TASK={nxt[1]}",
              file=out)
        return False
    for line in hint_lines(t, tries.get(key, 0)):
        print(line, file=out)
    print(f"  Open {where}, find \"TODO {nxt[1]}\", then run: make check LAB={lab.id} TASK={nxt[1]}", file=out)
    return False


COMPILE_FAILED = re.compile(r"^(\S+) does not compile ")
COMPILER_ERROR = re.compile(r"^(?:/usr/bin/ld: )?([^\s:]+\.[ch]):(?:([0-9]+):(?:[0-9]+:)? )?.*(?:error|undefined reference)")


def compile_error(tests):
    """(program, error line, file, line number) of the first of TESTS that
    failed because its program does not compile (tests/lib/wb.bash's `built`
    says so, with the compiler's first error); None if none did."""
    for t in tests:
        lines = t["output"].split("\n")
        m = COMPILE_FAILED.match(lines[0]) if lines else None
        if not m:
            continue
        for ln in lines[1:]:
            e = COMPILER_ERROR.match(ln)
            if e:
                return m.group(1), ln, e.group(1), e.group(2) or ""
        return m.group(1), lines[2] if len(lines) > 2 else "", "", ""
    return None


def current(labs, labs_base, results_dir, root=ROOT):
    """(lab id, task id) the student is on: the first lab (in course order, with
    its files in LABS_BASE and its tests) whose last results have a failing test
    (its first failing task) or that has no results yet (its first task)."""
    for lab in labs:
        if not Path(lab.path(labs_base)).is_dir() or not (Path(root) / "tests" / f"{lab.dir}.bats").is_file():
            continue
        f = Path(results_dir) / f"{lab.dir}.json"
        try:
            res = read_results(f)
        except (OSError, ValueError):
            return (lab.id, lab.tasks[0].id if lab.tasks else "")
        t = next((t["task"] for t in res["tests"] if t["status"] == "fail"), None)
        if t is not None:
            return (lab.id, t)
    return None


def task_status(lab, results, tries=None, out=sys.stdout):
    """The tasks of LAB, each with its status in RESULTS (PASS, FAIL, or ----
    when not checked yet), its points and title."""
    tests = results["tests"] if results else []
    for task in lab.tasks:
        mine = [t for t in tests if t["task"] == task.id]
        unchecked = not mine or any(t["output"].startswith("not checked yet") for t in mine)
        word = "----" if unchecked else "PASS" if all(t["status"] == "pass" for t in mine) else "FAIL"
        got = sum(t["points"] for t in mine)
        n = (tries or {}).get(f"{lab.id} {task.id}", 0)
        extra = f"  ({n} failed checks)" if n and word == "FAIL" else ""
        print(f"  {word} {got:>2}/{task.points:<2} {task.id:<4} {task.title}{extra}", file=out)


def todo_file(tree, task):
    """The first C file of TREE with `TODO task:` in it."""
    for f in sorted(Path(tree).glob("*.[ch]")):
        try:
            if f"TODO {task}:" in f.read_text(encoding="utf-8", errors="replace"):
                return str(f)
        except OSError:
            pass
    return None


# ---------------------------------------------------------------------------
# The instructor's view: one grading in every format

def grade_reports(outdir, name, labs, notes):
    """From OUTDIR/labs/DIR.json of the labs graded: summary.txt, results.json
    (Gradescope), prairielearn.json, junit.xml, results.tap. No timestamps and no paths of this
    machine in any of them (they are compared as golden files)."""
    outdir = Path(outdir)
    graded = [(lab, read_results(outdir / "labs" / f"{lab.dir}.json"))
              for lab in labs if (outdir / "labs" / f"{lab.dir}.json").exists()]
    maxlines = int(os.environ.get("GRADE_SUMMARY_LINES", "8"))
    (outdir / "summary.txt").write_text(summary(name, graded, notes, maxlines), encoding="utf-8")
    timing = outdir / "timing.tsv"
    seconds = None
    if timing.exists():
        seconds = round(sum(float(line.split("\t")[1]) for line in timing.read_text(encoding="utf-8").splitlines()
                            if "\t" in line))
    write_json(outdir / "results.json", gradescope(graded, notes, seconds))
    write_json(outdir / "prairielearn.json", prairielearn(graded, notes))
    (outdir / "junit.xml").write_bytes(junit(name, graded))
    (outdir / "results.tap").write_text(tap_of(graded), encoding="utf-8")


def _totals(tests):
    return (sum(t["points"] for t in tests), sum(t["max"] for t in tests),
            sum(t["status"] == "pass" for t in tests), len(tests))


def summary(name, graded, notes, maxlines=8):
    out = [f"Submission {one_line(name)}"]
    out += [f"  note: {for_terminal(n)}" for n in notes]
    every = []
    for lab, res in graded:
        tests = res["tests"]
        if not tests:
            continue
        every += tests
        got, mx, npass, n = _totals(tests)
        out.append(f"\nLab {lab.id}  {lab.title}  {got}/{mx} points ({npass} of {n} tests pass)")
        order = [t.id for t in lab.tasks]
        order += [t["task"] for t in tests if t["task"] not in order]
        titles = {t.id: t.title for t in lab.tasks}
        for task in dict.fromkeys(order):
            mine = [t for t in tests if t["task"] == task]
            if not mine:
                continue
            tg, tm, _, _ = _totals(mine)
            out.append(f"  {task:<5} {tg:>2}/{tm:<2} {titles.get(task, '(a task missing from course.toml)')}")
            for t in mine:
                if t["status"] != "fail":
                    continue
                out.append(f"        FAIL {t['points']}/{t['max']} {for_terminal(t['name'])}")
                lines = for_terminal(t["output"]).split("\n") if t["output"] else []
                out += ["             " + ln for ln in lines[:maxlines]]
                if len(lines) > maxlines:
                    out.append(f"             ... ({len(lines) - maxlines} more lines in results.json)")
    got, mx, npass, n = _totals(every)
    out.append(f"\nTotal {got}/{mx} points ({npass} of {n} tests pass)")
    return "\n".join(out) + "\n"


def md_text(s):
    """Text that Markdown shows as it is, on one line: its markup escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~&])", r"\\\1", for_terminal(s).replace("\n", " "))


def md_code(s):
    """Text in a Markdown code block, shown as it is whatever backticks it holds."""
    s = for_terminal(s)
    fence = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", s)), default=0))
    return f"{fence}text\n{s}\n{fence}"


def gradescope(graded, notes, seconds=None):
    """Gradescope's results.json: each test with its lab's task as its number,
    lab and task as tags, its failure text as a Markdown code block, and its
    lab's visibility (course.toml); the notes and each lab's points on top."""
    tests = []
    for lab, res in graded:
        for t in res["tests"]:
            tests.append({"name": for_terminal(f"Lab {lab.id}: {t['name']}"), "number": f"{lab.id}.{t['task']}",
                          "score": t["points"], "max_score": t["max"],
                          "status": "passed" if t["status"] == "pass" else "failed",
                          "output": md_code(t["output"]) if t["output"] else "",
                          "tags": [f"lab {lab.id}", f"task {t['task']}"], "visibility": lab.visibility})
    out = [f"- {md_text(n)}" for n in notes]
    out += ["", "| Lab | Points | Tests passed |", "| --- | --- | --- |"] if graded else []
    for lab, res in graded:
        got, mx, npass, n = _totals(res["tests"])
        out.append(f"| {lab.id} {md_text(lab.title)} | {got}/{mx} | {npass} of {n} |")
    r = {"score": sum(t["score"] for t in tests), "output": "\n".join(out).strip("\n") + "\n", "output_format": "md",
         "test_output_format": "md", "test_name_format": "text", "visibility": "visible",
         "stdout_visibility": "hidden", "tests": tests}
    if seconds is not None:
        r["execution_time"] = seconds
    return r


# The first line of a test whose program (or driver) does not build (tests/lib).
NO_BUILD = re.compile(r"(the driver )?\S+ does not (compile|build) ")


def prairielearn(graded, notes):
    """PrairieLearn's results.json (its external grader's): score 0-1, each test
    with points and max_points. A submission none of whose labs builds is not
    gradable (it costs the student no attempt), with the compiler's message; one
    whose programs build in part is graded (the others' tests fail, saying so)."""
    every = [(lab, t) for lab, r in graded for t in r["tests"]]
    got, mx, npass, n = _totals([t for _, t in every])
    titles = {(lab.id, t.id): t.title for lab, _ in graded for t in lab.tasks}
    unbuilt = bool(every) and all(t["status"] == "fail" and NO_BUILD.match(t["output"]) for _, t in every)
    tests = [{"name": for_terminal(f"Lab {lab.id}: {t['name']}"),
              "description": for_terminal(f"Lab {lab.id}, task {t['task']}: {titles.get((lab.id, t['task']), '')}"),
              "points": t["points"], "max_points": t["max"],
              "message": "" if t["status"] == "pass" else for_terminal(t["output"].split("\n", 1)[0] or "failed"),
              "output": for_terminal(t["output"])} for lab, t in every]
    lines = [for_terminal(n) for n in notes]
    if unbuilt:
        first = next(t for _, t in every)
        lines.insert(0, "The submission does not compile, so no test could run (this does not count as an attempt):")
        lines.append(for_terminal(first["output"]))
    else:
        lines.insert(0, f"{got}/{mx} points ({npass} of {n} tests pass)")
    return {"succeeded": True, "gradable": not unbuilt, "score": got / mx if mx and not unbuilt else 0,
            "message": "\n".join(lines), "tests": [] if unbuilt else tests}


def task_result(results, task, out=sys.stdout):
    """One task's tests in a lab's results, each PASS or FAIL with its failure
    text (GitHub Classroom shows this); True when all of them pass."""
    mine = [t for t in results["tests"] if t["task"] == task]
    for t in mine:
        print(f"{'PASS' if t['status'] == 'pass' else 'FAIL'} {t['points']}/{t['max']} {for_terminal(t['name'])}", file=out)
        if t["status"] == "fail" and t["output"]:
            print("\n".join("    " + ln for ln in for_terminal(t["output"]).split("\n")), file=out)
    return bool(mine) and all(t["status"] == "pass" for t in mine)


def junit(name, graded):
    import xml.etree.ElementTree as ET  # here: each tool's call starts Python anew, and most need no XML
    every = [t for _, r in graded for t in r["tests"]]
    top = ET.Element("testsuites", name=for_xml(name), tests=str(len(every)),
                     failures=str(sum(t["status"] == "fail" for t in every)))
    for lab, res in graded:
        tests = res["tests"]
        if not tests:
            continue
        got, mx, npass, n = _totals(tests)
        suite = ET.SubElement(top, "testsuite", name=for_xml(f"Lab {lab.id} {lab.title}"),
                              tests=str(n), failures=str(n - npass))
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="points", value=str(got))
        ET.SubElement(props, "property", name="max_points", value=str(mx))
        for t in tests:
            case = ET.SubElement(suite, "testcase", classname=f"lab{lab.id}.task{t['task']}",
                                 name=for_xml(t["name"]))
            props = ET.SubElement(case, "properties")
            ET.SubElement(props, "property", name="points", value=str(t["points"]))
            ET.SubElement(props, "property", name="max_points", value=str(t["max"]))
            if t["status"] == "fail":
                text = for_xml(t["output"])
                ET.SubElement(case, "failure", message=text.split("\n", 1)[0]).text = text
    ET.indent(top, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(top, encoding="utf-8") + b"\n"


def tap_of(graded):
    every = [(lab, t) for lab, r in graded for t in r["tests"]]
    out = [f"1..{len(every)}"]
    for i, (lab, t) in enumerate(every, 1):
        word = "ok" if t["status"] == "pass" else "not ok"
        out.append(f"{word} {i} Lab {lab.id}: {for_terminal(t['name'])} ({t['points']}/{t['max']} points)")
        if t["status"] == "fail" and t["output"]:
            out += ["# " + ln for ln in for_terminal(t["output"]).split("\n")]
    return "\n".join(out) + "\n"


def class_csv(outdir, labs, out):
    """grades.csv of a class: one row per graded student (a directory of OUTDIR
    with a results.json; the student's id is its id.txt, else its name), the
    points of each lab, the total."""
    import csv  # here, as for XML
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id"] + [f"lab{lab.id}" for lab in labs] + ["total"])
    rows = 0
    for d in sorted(p for p in Path(outdir).iterdir() if p.is_dir() and (p / "results.json").exists()):
        points = []
        for lab in labs:
            f = d / "labs" / f"{lab.dir}.json"
            points.append(sum(t["points"] for t in read_results(f)["tests"]) if f.exists() else 0)
        sid = (d / "id.txt").read_bytes().decode("utf-8", "replace") if (d / "id.txt").is_file() else d.name
        w.writerow([csv_cell(sid)] + points + [sum(points)])
        rows += 1
    return rows


def task_rates(outdir, labs):
    """[(lab, task, passed, graded)] over a class's results in OUTDIR (a
    directory per student, as class_csv reads them): how many of the students
    graded in the lab pass every test of the task."""
    dirs = sorted(p for p in Path(outdir).iterdir() if p.is_dir() and (p / "results.json").exists())
    out = []
    for lab in labs:
        res = [read_results(d / "labs" / f"{lab.dir}.json") for d in dirs if (d / "labs" / f"{lab.dir}.json").exists()]
        for task in lab.tasks:
            ok = [all(t["status"] == "pass" for t in r["tests"] if t["task"] == task.id)
                  for r in res if any(t["task"] == task.id for t in r["tests"])]
            out.append((lab, task, sum(ok), len(ok)))
    return out


def class_tasks(outdir, labs):
    """OUTDIR/task-rates.txt (the tasks the class struggled with first) and
    task-rates.tsv (the data of its figure, in course order)."""
    rows = task_rates(outdir, labs)
    pct = [(lab, t, ok, n, 100 * ok / n if n else 0) for lab, t, ok, n in rows]
    text = ["Tasks by pass rate (the students graded in the lab who pass all of the task's tests), lowest first", ""]
    text.append(f"{'lab':<4} {'task':<5} {'pass':>6} {'of':>9}  title")
    for lab, t, ok, n, r in sorted(pct, key=lambda x: (x[4], x[0].id, x[1].id)):
        text.append(f"{lab.id:<4} {t.id:<5} {r:>5.0f}% {ok:>4} of {n:<3}  {for_terminal(t.title)}")
    Path(outdir, "task-rates.txt").write_text("\n".join(text) + "\n", encoding="utf-8")
    tsv = ["# n\tlab.task\tpass%\tpassed\tgraded"]
    tsv += [f"{i}\t{lab.id}:{t.id}\t{r:.1f}\t{ok}\t{n}" for i, (lab, t, ok, n, r) in enumerate(pct)]
    Path(outdir, "task-rates.tsv").write_text("\n".join(tsv) + "\n", encoding="utf-8")
    return pct


# ---------------------------------------------------------------------------
# GitHub Classroom: a workflow that grades on push, one step per task

YAML_BOOLS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def yaml(data, indent=0):
    """Block-style YAML of dicts, lists, strings and numbers: every string a
    JSON string (JSON's double-quoted strings are YAML's), keys plain where that
    is unambiguous."""
    pad, out = "  " * indent, []

    def scalar(v):
        return str(v) if isinstance(v, int) and not isinstance(v, bool) else json.dumps(str(v), ensure_ascii=False)

    def key(k):
        return k if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", k) and k.lower() not in YAML_BOOLS else json.dumps(k)

    if isinstance(data, dict):
        for k, v in data.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{key(k)}:")
                out.append(yaml(v, indent + 1))
            else:
                out.append(f"{pad}{key(k)}: {scalar(v) if not isinstance(v, (dict, list)) else '{}' if isinstance(v, dict) else '[]'}")
    else:
        for v in data:
            if isinstance(v, dict):
                first = yaml(v, indent + 1).lstrip(" ")
                out.append(f"{pad}- {first}")
            else:
                out.append(f"{pad}- {scalar(v)}")
    return "\n".join(out)


def classroom_step_id(lab, task):
    return f"lab{lab.id}_task{task.id.replace('.', '_')}"


def classroom_workflow(labs):
    """.github/workflows/classroom.yml: make check grades every lab (as the
    student does), then one command-grader step per task reads that task's
    result (tools/wb.py task-result) and scores its points when all its tests
    pass; the reporter adds them up. Task by task, partial credit survives."""
    steps = [{"name": "Check out the work", "uses": "actions/checkout@v4"},
             {"name": "Install the packages the labs need (tools/deps.sh)",
              "run": "sudo tools/deps.sh core $(tools/wb.py deps)"},
             {"name": "Grade every lab, as make check does",
              "run": "make check || echo 'Some tests fail: the points of each task follow.'"}]
    ids = []
    for lab in labs:
        for t in lab.tasks:
            sid = classroom_step_id(lab, t)
            ids.append(sid)
            name = f"Lab {lab.id}, task {t.id}: {t.title}"
            steps.append({"name": name, "id": sid, "uses": "classroom-resources/autograding-command-grader@v1",
                          "with": {"test-name": name, "command": f"tools/wb.py task-result {lab.id} {t.id}",
                                   "timeout": 1, "max-score": t.points}})
    steps.append({"name": "Autograding Reporter", "if": "always()",
                  "uses": "classroom-resources/autograding-grader-reporter@v1",
                  "env": {f"{sid.upper()}_RESULTS": f"${{{{steps.{sid}.outputs.result}}}}" for sid in ids},
                  "with": {"runners": ",".join(ids)}})
    minutes = 30 + sum(((lab.timeout or 600) + 59) // 60 for lab in labs)
    wf = {"name": "Autograding", "on": ["push", "workflow_dispatch", "repository_dispatch"],
          "permissions": {"checks": "write", "actions": "read", "contents": "read"},
          "jobs": {"grade": {"runs-on": "ubuntu-24.04", "if": "github.actor != 'github-classroom[bot]'",
                             "timeout-minutes": minutes, "steps": steps}}}
    return ("# GitHub Classroom's autograding (tools/wb.py classroom-workflow writes it: make classroom).\n"
            "# make check grades the labs; each task's step then scores its points when all of its tests pass.\n"
            + yaml(wf) + "\n")


# ---------------------------------------------------------------------------
# The course check (make test): the manifest, the code, the tests and the files agree

TODO_RE = re.compile(r"TODO ([0-9]+\.[0-9]+):")
LAB_FILES = re.compile(r"^(README\.md|[A-Za-z0-9_-]+\.[ch]|(observe|bench|figures)/[A-Za-z0-9._-]+)$")


def solution_lines(text):
    """The lines of a solution's //@solution blocks, blanks squeezed."""
    out, on = [], False
    for line in text.splitlines():
        s = line.strip()
        if s == "//@solution":
            on = True
        elif s in ("//@starter", "//@end"):
            on = False
        elif on:
            out.append(" ".join(s.split()))
    return out


def check_course(root=ROOT):
    """Every problem found, as 'where: what' lines (none: the course is whole)."""
    root = Path(root)
    labs = load_course(root / "course.toml")
    problems = []
    known = set()
    for lab in labs:
        where = f"lab {lab.id}"
        starter, solution = Path(lab.path(root / "labs")), Path(lab.path(root / "solutions"))
        bats = root / "tests" / f"{lab.dir}.bats"
        known.add(lab.dir)
        for part, ok in ((f"{starter.relative_to(root)}/README.md (the chapter)", (starter / "README.md").is_file()),
                         (f"{solution.relative_to(root)}/ (the solution)", solution.is_dir()),
                         (f"{starter.relative_to(root)}/observe/ (observation scripts)", any((starter / "observe").glob("*"))),
                         (f"tests/{lab.dir}.bats (the tests)", bats.is_file())):
            if not ok:
                problems.append(f"{where}: no {part}")
        code = {f.name: f.read_text(encoding="utf-8", errors="replace") for f in sorted(starter.glob("*.[ch]"))}
        sols = {f.name: f.read_text(encoding="utf-8", errors="replace") for f in sorted(solution.glob("*.[ch]"))}
        if not code:
            problems.append(f"{where}: no starter code in {starter.relative_to(root)}")
        for fname in sols:
            if fname not in code:
                problems.append(f"{where}: solution {fname} has no starter of the same name")
        todos = {}
        for fname, text in code.items():
            for t in TODO_RE.findall(text):
                todos.setdefault(t, fname)
        tests = bats_tests(bats) if bats.is_file() else []
        tasks = {t.id: t for t in lab.tasks}
        tested = {}
        for name, task, points in tests:
            tested[task] = tested.get(task, 0) + points
            if not task:
                problems.append(f"tests/{lab.dir}.bats: test \"{name}\" has no task tag")
            elif task not in tasks:
                problems.append(f"tests/{lab.dir}.bats: test \"{name}\" is of task {task}, which course.toml does not list")
            if task and not name.startswith(task + " "):
                problems.append(f"tests/{lab.dir}.bats: test \"{name}\" does not start with its task {task}")
            if points <= 0:
                problems.append(f"tests/{lab.dir}.bats: test \"{name}\" has no points")
        for t in lab.tasks:
            if t.id not in todos:
                problems.append(f"{where}: task {t.id} has no \"TODO {t.id}:\" in {starter.relative_to(root)}/*.[ch]")
            if t.id not in tested:
                problems.append(f"{where}: task {t.id} has no test in tests/{lab.dir}.bats")
            elif tested[t.id] != t.points:
                problems.append(f"{where}: task {t.id} has {t.points} points in course.toml, its tests {tested[t.id]}")
            for key, hint in (("hint", t.hint), ("hint2", t.hint2)):
                hint = " ".join(hint.split())
                for fname, text in sols.items():
                    for line in solution_lines(text):
                        if len(line) >= 16 and line in hint:
                            problems.append(f"{where}: the {key} of task {t.id} gives the solution's line ({fname}): {line}")
                            break
        for t, fname in todos.items():
            if t not in tasks:
                problems.append(f"{where}: {fname} has \"TODO {t}:\", a task course.toml does not list")
        if not lab.tree:
            for f in sorted(starter.rglob("*")):
                rel = f.relative_to(starter).as_posix()
                if f.is_file() and not LAB_FILES.match(rel):
                    problems.append(f"{where}: a stray file labs/{lab.dir}/{rel}")
        for f in sorted(solution.rglob("*")):
            rel = f.relative_to(solution).as_posix()
            # (ANSWERS.md: the answer key of the chapter's questions, for the instructor's edition)
            if f.is_file() and not re.fullmatch(r"[A-Za-z0-9_-]+\.[ch]|\.clang-format|ANSWERS\.md", rel):
                problems.append(f"{where}: a stray file {solution.relative_to(root)}/{rel}")
    for top, allowed in (("labs", known | {"common"}), ("solutions", known | {lab.tree for lab in labs if lab.tree})):
        for d in sorted((root / top).iterdir()):
            if d.name not in allowed:
                problems.append(f"{top}/{d.name}: not a lab of course.toml")
    return list(dict.fromkeys(problems))


# ---------------------------------------------------------------------------
# Editor support: compile_commands.json (clangd and other tools read it)

def compile_commands(labs, cc, cppflags, cflags, bases, root=ROOT):
    """A compilation database: each C program of the labs (not those with a
    tree of their own: the kernel lab has its own Makefile) in each tree of
    BASES, with the Makefile's own rule: CC CPPFLAGS -I DIR CFLAGS -o OUT FILE."""
    import shlex
    out = []
    for base in bases:
        for lab in labs:
            if lab.tree:
                continue
            d = Path(root) / lab.path(base)
            for f in sorted(d.glob("*.c")):
                rel = f.relative_to(root).as_posix()
                target = os.path.join(build_dir(base, root), lab.dir, f.stem)
                args = ([*shlex.split(cc), *shlex.split(cppflags), "-I", os.path.dirname(rel) + "/",
                         *shlex.split(cflags), "-o", target, rel])
                out.append({"directory": str(root), "file": rel, "arguments": args})
    return out


# ---------------------------------------------------------------------------
# The command-line face

USAGE = """usage: tools/wb.py COMMAND ...
  labs                          ID<TAB>DIR<TAB>TITLE of each lab, in order
  lab ID|DIR|TREE               that lab's line (exit 1 if there is none)
  get ID KEY                    one key of a lab: tree, vm (true/false), memory, timeout, visibility
  tasks [ID]                    LAB<TAB>TASK<TAB>POINTS<TAB>TITLE<TAB>HINT of each task
  tree ID BASE                  where lab ID's files are in the tree BASE (labs, solutions, ...)
  deps [ID...]                  the tools/deps.sh groups those labs (default all) need
  build-dir LABS                where the programs of the tree LABS are built
  editable [--labs] ROOT        the files a student may change, in the tree ROOT
                                (--labs: each as LAB<TAB>PATH)
  tests BATS [SEL]              NAME<TAB>TASK<TAB>POINTS of each test of a bats file
                                SEL: --task T (that task's tests), --other T (the rest)
  join ID TAP BATS OUT.json [SEL [--merge]]
                                a lab's results: its TAP joined with its tests' points
                                (GRADE_MAX_LINES, GRADE_MAX_LINE cap the failure text);
                                --merge: with OUT.json's other results kept
  task-labs TASK [ID]           the labs that have a task TASK (only ID: is it there?)
  current LABS RESULTS-DIR      LAB<TAB>TASK the student is on (exit 1: all pass)
  next-task RESULTS.json [--task T] [--skip "LAB TASK"]...
                                the task to work on in one lab's results (exit 1: none fails)
  status ID RESULTS.json [TRIES] a lab's tasks, each PASS/FAIL/---- with points
  hint ID TASK [TRIES]          the hints of one task (the second after failed checks)
  compile-commands CC CPPFLAGS CFLAGS TREE...
                                compile_commands.json of the labs in those trees
  results RESULTS.json          STATUS<TAB>TASK<TAB>POINTS<TAB>MAX<TAB>NAME of each test
  output RESULTS.json NAME      the failure text of one test
  show RESULTS.json [-v] [--task T]
                                a lab's lines for make check (only task T's tests)
  progress [--task T] [--tries FILE [--count]] [--skip "LAB TASK"]... LABS RESULTS.json...
                                the progress bar and what to do next (exit 1: not all pass);
                                --task: the student is on T; --count: one more failed check
                                of the next task in FILE (its second hint after 3: WB_HINT2_AFTER)
  report OUTDIR NAME            OUTDIR/labs/*.json -> summary.txt, results.json, junit.xml,
                                results.tap (notes from OUTDIR/notes.txt)
  class-csv OUTDIR              a class's grades.csv, on standard output
  class-tasks OUTDIR            OUTDIR/task-rates.{txt,tsv}: each task's pass rate in the class
  task-result ID TASK [RESULTS.json]
                                one task's tests (default: the lab's results of make check);
                                exit 0 when all of them pass (GitHub Classroom's steps)
  classroom-workflow            GitHub Classroom's workflow (YAML), on standard output
  check-course [ROOT]           the course check (make test)"""


def _lab(labs, want):
    lab = find_lab(labs, want)
    if lab is None:
        raise LookupError(f"no lab {want} in course.toml")
    return lab


def _options(args, names, flags=()):
    """Pull "--NAME VALUE" options (repeatable: a list) and flags out of ARGS."""
    opts, rest, i = {}, [], 0
    while i < len(args):
        a = args[i]
        if a in flags:
            opts[a.lstrip("-")] = True
        elif a in names:
            if i + 1 >= len(args):
                raise WbError(f"{a} needs a value")
            opts.setdefault(a.lstrip("-"), []).append(args[i + 1])
            i += 1
        else:
            rest.append(a)
        i += 1
    return opts, rest


def _selection(opts):
    if "task" in opts and "other" in opts:
        raise WbError("--task and --other together")
    for key in ("task", "other"):
        if key in opts:
            t = opts[key][-1]
            if not re.fullmatch(r"[0-9]+\.[0-9]+", t):
                raise WbError(f"a task id is N.M, like 2.1, not {t!r}")
            return t, key == "other"
    return None, False


def main(argv):
    if not argv or argv[0] in ("help", "-h", "--help"):
        print(USAGE)
        return 0 if argv else 2
    cmd, args = argv[0], argv[1:]
    labs = load_course()
    p = print
    if cmd == "labs":
        for lab in labs:
            p(f"{lab.id}\t{lab.dir}\t{lab.title}")
    elif cmd == "lab" and len(args) == 1:
        lab = _lab(labs, args[0])
        p(f"{lab.id}\t{lab.dir}\t{lab.title}")
    elif cmd == "get" and len(args) == 2:
        lab = _lab(labs, args[0])
        if args[1] not in ("tree", "vm", "memory", "timeout", "visibility", "dir", "title", "id"):
            raise WbError(f"get: no key '{args[1]}'")
        v = getattr(lab, args[1])
        p(("true" if v else "false") if isinstance(v, bool) else (v or ""))
    elif cmd == "tasks" and len(args) <= 1:
        for lab in labs if not args else [_lab(labs, args[0])]:
            for t in lab.tasks:
                p(f"{lab.id}\t{t.id}\t{t.points}\t{t.title}\t{t.hint}")
    elif cmd == "tree" and len(args) == 2:
        p(_lab(labs, args[0]).path(args[1]))
    elif cmd == "deps":
        chosen = [_lab(labs, a) for a in args] or labs
        p(" ".join(dict.fromkeys(g for lab in chosen for g in lab.deps())))
    elif cmd == "build-dir" and len(args) == 1:
        p(build_dir(args[0]))
    elif cmd == "editable" and (len(args) == 1 or len(args) == 2 and args[0] == "--labs"):
        root = Path(args[-1])
        for lab in labs:
            d = Path(lab.path(root / "labs"))
            for f in sorted(d.glob("*.[ch]")):
                if (f.is_file() and not f.is_symlink() and re.fullmatch(r"[A-Za-z0-9._-]+", f.name)
                        and TODO_RE.search(f.read_text(encoding="utf-8", errors="replace"))):
                    p(f"{lab.id}\t{f.relative_to(root).as_posix()}" if args[0] == "--labs" else f.relative_to(root).as_posix())
    elif cmd == "tests" and args:
        opts, args = _options(args, ("--task", "--other"))
        if len(args) != 1:
            raise WbError("tests BATS [--task T | --other T]")
        task, other = _selection(opts)
        for name, task, points in select(bats_tests(args[0]), task, other):
            p(f"{name}\t{task}\t{points}")
    elif cmd == "join" and len(args) >= 4:
        opts, args = _options(args, ("--task", "--other"), ("--merge", "--strict"))
        if len(args) != 4:
            raise WbError("join ID TAP BATS OUT.json [--task T | --other T] [--merge] [--strict]")
        lab = _lab(labs, args[0])
        task, other = _selection(opts)
        tap = Path(args[1]).read_bytes() if Path(args[1]).exists() else b""
        every = bats_tests(args[2])
        res = join(lab, tap, select(every, task, other), int(os.environ.get("GRADE_MAX_LINES", "0")),
                   int(os.environ.get("GRADE_MAX_LINE", "0")), bool(opts.get("strict")))
        if res.get("tampered"):  # the grader's note (tools/grade.sh)
            p(for_terminal(f"lab {lab.id}: TAMPERED: its results were forged, 0 points for the lab; evidence: "
                           + "; ".join(e[:300] for e in res["tampered"][:3])
                           + (f" (and {len(res['tampered']) - 3} more in labs/{lab.dir}.json)"
                              if len(res["tampered"]) > 3 else "")))
        if opts.get("merge"):
            try:
                old = read_results(args[3])
            except (OSError, ValueError):
                old = None
            res = merge(old, res, every)
        write_json(args[3], res)
    elif cmd == "task-labs" and len(args) in (1, 2):
        chosen = [lab for lab in (labs if len(args) == 1 else [_lab(labs, args[1])])
                  if any(t.id == args[0] for t in lab.tasks)]
        if not chosen:
            raise LookupError(f"no task {args[0]}" + (f" in lab {args[1]}" if len(args) == 2 else ""))
        for lab in chosen:
            p(lab.id)
    elif cmd == "next-task" and args:
        opts, args = _options(args, ("--task", "--skip"))
        if len(args) != 1:
            raise WbError("next-task RESULTS.json [--task T] [--skip 'LAB TASK']...")
        task, _ = _selection(opts)
        try:
            nxt = next_task([read_results(args[0])], task, opts.get("skip", []))
        except (OSError, ValueError):
            nxt = None
        if nxt is None:
            return 1
        p(nxt[1])
    elif cmd == "current" and len(args) == 2:
        cur = current(labs, args[0], args[1])
        if cur is None:
            return 1
        p(f"{cur[0]}\t{cur[1]}")
    elif cmd == "status" and len(args) in (2, 3):
        lab = _lab(labs, args[0])
        try:
            res = read_results(args[1])
        except (OSError, ValueError):
            res = None
        task_status(lab, res, read_tries(args[2]) if len(args) == 3 else None)
    elif cmd == "hint" and len(args) in (2, 3):
        lab = _lab(labs, args[0])
        t = next((t for t in lab.tasks if t.id == args[1]), None)
        if t is None:
            raise LookupError(f"no task {args[1]} in lab {lab.id}")
        n = read_tries(args[2]).get(f"{lab.id} {t.id}", 0) if len(args) == 3 else 0
        p(f"Task {t.id}: {t.title}")
        for line in hint_lines(t, n):
            p(line)
    elif cmd == "compile-commands" and len(args) >= 4:
        write = json.dumps(compile_commands(labs, args[0], args[1], args[2], args[3:]), indent=1)
        p(write)
    elif cmd == "results" and len(args) == 1:
        for t in read_results(args[0])["tests"]:
            p(f"{t['status']}\t{t['task']}\t{t['points']}\t{t['max']}\t{t['name']}")
    elif cmd == "output" and len(args) == 2:
        t = next((t for t in read_results(args[0])["tests"] if t["name"] == args[1]), None)
        if t is None:
            raise LookupError(f"no test {args[1]!r} in {args[0]}")
        p(for_terminal(t["output"]))
    elif cmd == "show" and args:
        opts, args = _options(args, ("--task",), ("-v",))
        if len(args) != 1:
            raise WbError("show RESULTS.json [-v] [--task T]")
        task, _ = _selection(opts)
        lab_block(read_results(args[0]), verbose=bool(opts.get("v")), task=task)
    elif cmd == "progress" and args:
        opts, args = _options(args, ("--task", "--tries", "--skip"), ("--count",))
        if not args:
            raise WbError("progress [options] LABS RESULTS.json...")
        task, _ = _selection(opts)
        ok = progress(labs, [read_results(a) for a in args[1:]], args[0], task=task,
                      tries_file=opts.get("tries", [None])[-1], count=bool(opts.get("count")),
                      skip=opts.get("skip", []))
        return 0 if ok else 1
    elif cmd == "report" and len(args) == 2:
        notes_file = Path(args[0]) / "notes.txt"
        notes = notes_file.read_bytes().decode("utf-8", "replace").split("\n")[:-1] if notes_file.exists() else []
        chosen = labs
        if os.environ.get("LAB"):
            chosen = [_lab(labs, i) for i in re.split(r"[ ,]+", os.environ["LAB"].strip())]
        grade_reports(args[0], args[1], chosen, notes)
    elif cmd == "class-csv" and len(args) == 1:
        chosen = labs
        if os.environ.get("LAB"):
            chosen = [_lab(labs, i) for i in re.split(r"[ ,]+", os.environ["LAB"].strip())]
        class_csv(args[0], chosen, sys.stdout)
    elif cmd == "class-tasks" and len(args) == 1:
        chosen = labs
        if os.environ.get("LAB"):
            chosen = [_lab(labs, i) for i in re.split(r"[ ,]+", os.environ["LAB"].strip())]
        class_tasks(args[0], chosen)
    elif cmd == "task-result" and len(args) in (2, 3):
        lab = _lab(labs, args[0])
        if not any(t.id == args[1] for t in lab.tasks):
            raise LookupError(f"no task {args[1]} in lab {lab.id}")
        f = args[2] if len(args) == 3 else os.path.join(build_dir("labs"), "results", f"{lab.dir}.json")
        try:
            res = read_results(f)
        except (OSError, ValueError):
            p(f"no results of lab {lab.id} ({f}): the grading step did not finish")
            return 1
        return 0 if task_result(res, args[1]) else 1
    elif cmd == "classroom-workflow" and not args:
        sys.stdout.write(classroom_workflow(labs))
    elif cmd == "check-course" and len(args) <= 1:
        problems = check_course(Path(args[0]) if args else ROOT)
        for line in problems:
            p(line)
        return 1 if problems else 0
    else:
        print(USAGE, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except WbError as e:
        print(f"wb: {e}", file=sys.stderr)
        sys.exit(2)
    except LookupError as e:
        print(f"wb: {e.args[0]}", file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(141)
    except OSError as e:  # a full disk, a file that cannot be read: said, not a traceback
        print(f"wb: {e.filename}: {e.strerror}" if e.filename else f"wb: {e}", file=sys.stderr)
        sys.exit(2)
