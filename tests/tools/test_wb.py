"""Tests of tools/wb.py, the data layer: the manifest reader, the tests' tags,
TAP, the results and every format they are written in (golden files, as
exercism's test runner has them), and the course check.

    python3 -m unittest discover -s tests/tools -p 'test_*.py'     (make test runs it)

The golden cases are tests/tools/golden/cases/CASE/: a TAP file per lab of the
fixture manifest (golden/course.toml, golden/tests/*.bats) and notes.txt; the
expected outputs are CASE/expected/. WB_GOLDEN_UPDATE=1 rewrites them (review
the diff before committing).
"""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.dom.minidom
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tools"))
import wb  # noqa: E402

GOLDEN = HERE / "golden"
UPDATE = bool(os.environ.get("WB_GOLDEN_UPDATE"))


def manifest(text):
    """The labs of a manifest given as text (written to a scratch file)."""
    d = tempfile.mkdtemp()
    p = Path(d, "course.toml")
    p.write_text(text, encoding="utf-8")
    try:
        return wb.load_course(p)
    finally:
        shutil.rmtree(d)


LAB = '[[lab]]\nid = "01"\ndir = "01-demo"\ntitle = "Demo"\n'
TASK = '\n[[lab.task]]\nid = "1.1"\ntitle = "t"\npoints = 2\nhint = "h"\n'


class Manifest(unittest.TestCase):
    def error(self, text):
        with self.assertRaises(wb.WbError) as e:
            manifest(text)
        return str(e.exception)

    def test_reads_labs_and_tasks(self):
        labs = wb.load_course(GOLDEN / "course.toml")
        self.assertEqual([lab.id for lab in labs], ["01", "02"])
        self.assertEqual(labs[0].title, 'A demo lab, with "quotes" & <markup>')
        self.assertEqual([(t.id, t.points) for t in labs[0].tasks], [("1.1", 3), ("1.2", 2)])
        self.assertTrue(labs[1].vm)
        self.assertFalse(labs[0].vm)

    def test_the_real_manifest_reads(self):
        self.assertTrue(wb.load_course())

    def test_two_strings_side_by_side_are_an_error_not_one_string(self):
        self.assertIn("not valid TOML", self.error(LAB.replace('"Demo"', '"a" "b"') + TASK))
        self.assertIn("line 4", self.error(LAB.replace('"Demo"', '"a" "b"') + TASK))

    def test_a_trailing_comment_is_a_comment(self):
        labs = manifest(LAB.replace('"Demo"', '"Demo" # the title') + TASK)
        self.assertEqual(labs[0].title, "Demo")

    def test_a_tab_inside_a_title_is_refused_with_its_line(self):
        msg = self.error(LAB.replace('"Demo"', '"De\\tmo"') + TASK)
        self.assertIn("course.toml:4:", msg)
        self.assertIn("'title' must be one line of text", msg)

    def test_a_number_in_quotes_is_refused_with_its_line_and_key(self):
        msg = self.error(LAB + 'memory = "3072"\n' + TASK)
        self.assertIn("course.toml:5:", msg)
        self.assertIn("'memory' must be a whole number", msg)

    def test_an_unknown_key_is_named_with_its_line(self):
        msg = self.error(LAB + TASK.replace("points", "pionts"))
        self.assertIn("course.toml:9:", msg)
        self.assertIn("unknown key 'pionts'", msg)

    def test_a_missing_key_is_named_with_its_table(self):
        msg = self.error(LAB + TASK.replace('hint = "h"\n', ""))
        self.assertIn("course.toml:6:", msg)
        self.assertIn("the key 'hint' is missing", msg)

    def test_true_is_no_number_and_a_number_no_boolean(self):
        self.assertIn("'points' must be a whole number", self.error(LAB + TASK.replace("points = 2", "points = true")))
        self.assertIn("'vm' must be true or false", self.error(LAB + "vm = 1\n" + TASK))

    def test_ids_dirs_and_tasks_are_checked(self):
        self.assertIn("two digits", self.error(LAB.replace('"01"', '"1"') + TASK))
        self.assertIn("dir must be ID-topic", self.error(LAB.replace("01-demo", "02-demo") + TASK))
        self.assertIn("appears twice", self.error(LAB + TASK + TASK))
        self.assertIn("is also lab #1", self.error(LAB + TASK + LAB.replace("01-demo", "01-other") + TASK))
        self.assertIn("the hint is empty", self.error(LAB + TASK.replace('"h"', '" "')))

    def test_visibility_is_gradescope_s_and_checked_with_its_line(self):
        self.assertEqual(manifest(LAB + TASK)[0].visibility, "visible")
        self.assertEqual(manifest(LAB + 'visibility = "after_due_date"\n' + TASK)[0].visibility, "after_due_date")
        msg = self.error(LAB + 'visibility = "later"\n' + TASK)
        self.assertIn("course.toml:5:", msg)
        self.assertIn("visibility must be one of visible, after_due_date, after_published, hidden, not 'later'", msg)
        self.assertIn("'visibility' must be a string", self.error(LAB + "visibility = true\n" + TASK))

    def test_a_second_hint_is_optional_and_never_empty(self):
        labs = manifest(LAB + TASK.replace('hint = "h"', 'hint = "h"\nhint2 = "the call"'))
        self.assertEqual(labs[0].tasks[0].hint2, "the call")
        self.assertEqual(manifest(LAB + TASK)[0].tasks[0].hint2, "")
        self.assertIn("the hint2 is empty", self.error(LAB + TASK.replace('hint = "h"', 'hint = "h"\nhint2 = ""')))
        self.assertIn("'hint2' must be a string", self.error(LAB + TASK.replace('hint = "h"', 'hint = "h"\nhint2 = 2')))

    def test_an_unreadable_manifest_is_a_clear_error(self):
        with self.assertRaises(wb.WbError) as e:
            wb.load_course("/nonexistent/course.toml")
        self.assertIn("cannot read it", str(e.exception))


class Paths(unittest.TestCase):
    def setUp(self):
        self.plain = wb.Lab("01", "01-demo", "t")
        self.tree = wb.Lab("06", "06-driver", "t", tree="kernel-lab", vm=True)

    def test_a_lab_lives_in_its_directory_of_each_tree(self):
        self.assertEqual(self.plain.path("labs"), "labs/01-demo")
        self.assertEqual(self.plain.path("solutions/"), "solutions/01-demo")
        self.assertEqual(self.plain.path("/s/labs"), "/s/labs/01-demo")

    def test_a_lab_with_a_tree_lives_beside_labs_and_inside_other_trees(self):
        self.assertEqual(self.tree.path("labs"), "kernel-lab")
        self.assertEqual(self.tree.path("/s/student/labs"), "/s/student/kernel-lab")
        self.assertEqual(self.tree.path("solutions"), "solutions/kernel-lab")
        self.assertEqual(self.tree.path("/s/student"), "/s/student/kernel-lab")

    def test_find_by_id_dir_or_tree_and_the_deps_of_a_vm_lab(self):
        labs = [self.plain, self.tree]
        self.assertIs(wb.find_lab(labs, "06"), self.tree)
        self.assertIs(wb.find_lab(labs, "kernel-lab/"), self.tree)
        self.assertIs(wb.find_lab(labs, "01-demo"), self.plain)
        self.assertIsNone(wb.find_lab(labs, "07"))
        self.assertEqual(self.tree.deps(), ["core", "kernel"])


class TapAndTags(unittest.TestCase):
    def test_tags_give_task_and_points_and_names_are_unescaped(self):
        tests = wb.bats_tests(GOLDEN / "tests" / "01-demo.bats")
        self.assertEqual(tests[1], ('1.1 a "quoted" \\back\\slash, a comma <b>&amp; ]]>', "1.1", 1))
        self.assertEqual([t[2] for t in tests], [2, 1, 2])

    def test_timeouts_skips_and_bats_own_lines(self):
        r = wb.read_tap("1..2\nnot ok 1 a # timeout after 8s\n# (in test file x.bats, line 3)\n# why\nok 2 b # skip no\n")
        self.assertEqual((r[0].name, r[0].timeout, r[0].lines), ("a", "8", ["why"]))
        self.assertEqual((r[1].name, r[1].ok, r[1].skip), ("b", True, True))

    def test_missing_results_fail_and_say_when_the_run_stopped(self):
        lab = wb.Lab("01", "01-demo", "t")
        res = wb.join(lab, "1..3\nok 1 a\n", [("a", "1.1", 1), ("b", "1.1", 1), ("c", "1.2", 2)])
        self.assertEqual([t["status"] for t in res["tests"]], ["pass", "fail", "fail"])
        self.assertIn("no result", res["tests"][1]["output"])
        self.assertIn("not run", res["tests"][2]["output"])

    def test_duplicate_and_unknown_results_are_anomalies_and_the_first_counts(self):
        lab = wb.Lab("01", "01-demo", "t")
        res = wb.join(lab, "ok 1 a\nnot ok 2 a\nok 3 zzz\n", [("a", "1.1", 1)])
        self.assertEqual(res["tests"][0]["status"], "pass")
        self.assertEqual(len(res["anomalies"]), 2)

    def test_strict_any_anomaly_makes_the_lab_tampered_with_no_points(self):
        lab, tests = wb.Lab("01", "01-demo", "t"), [("a", "1.1", 1), ("b", "1.2", 2)]
        clean = wb.join(lab, "1..2\nok 1 a\nok 2 b\n", tests, strict=True)
        self.assertNotIn("verdict", clean)
        self.assertEqual(sum(t["points"] for t in clean["tests"]), 3)
        for forged, why in (("1..2\nok 1 a\nok 2 b\nnot ok 3 b\n", "a second result"),
                            ("1..2\nok 1 b\nok 2 a\n", "out of order"),
                            ("1..2\nok 2 a\nok 3 b\n", "out of order"),
                            ("1..3\nok 1 a\nok 2 b\n", "a plan of 3"),
                            ("1..2\nok 1 a\nok 2 zzz\n", "no test of this lab"),
                            ("1..2\nok 1 a\nnot ok 2 b\n# TAMPERED: seen in the VM\n", "seen in the VM")):
            res = wb.join(lab, forged, tests, strict=True)
            self.assertEqual(res["verdict"], "TAMPERED", forged)
            self.assertIn(why, " ".join(res["tampered"]))
            self.assertEqual([(t["status"], t["points"]) for t in res["tests"]], [("fail", 0)] * 2)
        # bats' own report of a failed setup_file is no forgery; without strict, nothing changes
        self.assertNotIn("verdict", wb.join(lab, "1..2\nnot ok 1 setup_file failed\n", tests, strict=True))
        self.assertNotIn("verdict", wb.join(lab, "1..2\nok 1 b\nok 2 a\n", tests))

    def test_failure_text_is_capped(self):
        lab = wb.Lab("01", "01-demo", "t")
        tap = "not ok 1 a\n" + "".join(f"# {'x' * 20} {i}\n" for i in range(10))
        out = wb.join(lab, tap, [("a", "1.1", 1)], max_lines=3, max_len=10)["tests"][0]["output"]
        self.assertEqual(out.split("\n"), ["x" * 10 + " ..."] * 3 + ["... (7 more lines cut)"])


def result(lab, *tests):
    """Results of LAB: (name, task, status) each, 1 point a test."""
    return {"lab": lab, "dir": f"{lab}-demo", "title": "t", "anomalies": [],
            "tests": [{"name": n, "task": t, "points": int(st == "pass"), "max": 1, "status": st, "output": ""}
                      for n, t, st in tests]}


class OneTask(unittest.TestCase):
    TESTS = [("a", "1.1", 1), ("b", "1.2", 1), ("c", "1.2", 1), ("d", "2.1", 1)]

    def test_select_one_task_or_the_others(self):
        self.assertEqual([t[0] for t in wb.select(self.TESTS, "1.2")], ["b", "c"])
        self.assertEqual([t[0] for t in wb.select(self.TESTS, "1.2", other=True)], ["a", "d"])
        self.assertEqual(wb.select(self.TESTS), self.TESTS)

    def test_merge_keeps_the_other_results_and_marks_the_unchecked(self):
        lab = wb.Lab("01", "01-demo", "t")
        new = wb.join(lab, "ok 1 b\nnot ok 2 c\n", wb.select(self.TESTS, "1.2"))
        old = result("01", ("a", "1.1", "pass"), ("b", "1.2", "fail"))
        m = wb.merge(old, new, self.TESTS)
        self.assertEqual([(t["name"], t["status"]) for t in m["tests"]],
                         [("a", "pass"), ("b", "pass"), ("c", "fail"), ("d", "fail")])
        self.assertTrue(m["tests"][3]["output"].startswith("not checked yet"))
        self.assertEqual(len(wb.merge(None, new, self.TESTS)["tests"]), 4)

    def test_the_next_task_the_current_one_and_skips(self):
        r = result("01", ("a", "1.1", "pass"), ("b", "1.2", "fail"), ("d", "2.1", "fail"))
        self.assertEqual(wb.next_task([r]), ("01", "1.2"))
        self.assertEqual(wb.next_task([r], task="2.1"), ("01", "2.1"))
        self.assertEqual(wb.next_task([r], task="1.1"), ("01", "1.2"))
        self.assertEqual(wb.next_task([r], skip=["01 1.2"]), ("01", "2.1"))
        self.assertEqual(wb.next_task([r], skip=["01 1.2", "01 2.1"]), ("01", "1.2"))
        self.assertIsNone(wb.next_task([result("01", ("a", "1.1", "pass"))]))

    def test_current_is_the_first_lab_that_fails_or_was_never_checked(self):
        labs = wb.load_course(GOLDEN / "course.toml")
        with tempfile.TemporaryDirectory() as d:
            for lab in labs:
                Path(d, "labs", lab.path("x").split("/", 1)[1]).mkdir(parents=True)
            res = Path(d, "results")
            res.mkdir()
            cur = wb.current(labs, Path(d, "labs"), res, root=GOLDEN)
            self.assertEqual(cur, (labs[0].id, labs[0].tasks[0].id))
            wb.write_json(res / f"{labs[0].dir}.json", result(labs[0].id, ("x", "1.1", "pass"), ("y", "1.2", "fail")))
            self.assertEqual(wb.current(labs, Path(d, "labs"), res, root=GOLDEN), (labs[0].id, "1.2"))

    def test_the_second_hint_shows_after_three_failed_checks(self):
        lab = wb.Lab("01", "01-demo", "t", tasks=[wb.Task("01", "1.1", "T", 1, "the idea", "the call")])
        r = result("01", ("a", "1.1", "fail"))
        with tempfile.TemporaryDirectory() as d:
            tries = Path(d, "tries.json")
            outs = []
            for _ in range(3):
                buf = io.StringIO()
                wb.progress([lab], [r], d, out=buf, tries_file=tries, count=True)
                outs.append(buf.getvalue())
            self.assertNotIn("the call", outs[1])
            self.assertIn("a second hint shows after 3 failed checks of this task; 2 so far", outs[1])
            self.assertIn("Hint 2 (after 3 failed checks): the call", outs[2])
            self.assertEqual(wb.read_tries(tries), {"01 1.1": 3})
            wb.progress([lab], [result("01", ("a", "1.1", "pass"))], d, out=io.StringIO(), tries_file=tries, count=True)
            self.assertEqual(wb.read_tries(tries), {})
            tries.write_text("not json")
            self.assertEqual(wb.read_tries(tries), {})

    def test_a_program_that_does_not_compile_is_next_with_its_first_error(self):
        lab = wb.Lab("01", "01-demo", "t", tasks=[wb.Task("01", "1.1", "T", 1, "the idea")])
        r = result("01", ("a", "1.1", "fail"))
        r["tests"][0]["output"] = ("mcat does not compile (-Wall -Wextra -Werror), so this test cannot run it.\n"
                                   "The compiler's first error:\n"
                                   "labs/01-demo/chunk.h:93:25: error: expected ')' before 'oops'\n"
                                   "   93 |         _exit(p == NULL oops);")
        with tempfile.TemporaryDirectory() as d:
            buf = io.StringIO()
            wb.progress([lab], [r], d, out=buf)
        self.assertIn("  mcat does not compile; the compiler's first error:\n"
                      "    labs/01-demo/chunk.h:93:25: error: expected ')' before 'oops'\n"
                      "  Open labs/01-demo/chunk.h at line 93, fix it, then run: make check LAB=01 TASK=1.1", buf.getvalue())
        self.assertNotIn("Hint:", buf.getvalue())

    def test_the_task_status_list(self):
        lab = wb.Lab("01", "01-demo", "t", tasks=[wb.Task("01", "1.1", "first", 1, "h"),
                                                   wb.Task("01", "1.2", "second", 2, "h")])
        buf = io.StringIO()
        wb.task_status(lab, result("01", ("a", "1.1", "pass"), ("b", "1.2", "fail")), {"01 1.2": 2}, out=buf)
        self.assertEqual(buf.getvalue().split("\n")[:2],
                         ["  PASS  1/1  1.1  first", "  FAIL  0/2  1.2  second  (2 failed checks)"])

    def test_compile_commands_are_the_makefile_s_rule(self):
        labs = wb.load_course(GOLDEN / "course.toml")
        with tempfile.TemporaryDirectory() as d:
            Path(d, "labs", labs[0].dir).mkdir(parents=True)
            Path(d, "labs", labs[0].dir, "x.c").write_text("int main(void) { return 0; }\n")
            cmds = wb.compile_commands(labs, "cc", "-I labs/common", "-O2 -Wall", ["labs", "solutions"], root=Path(d))
        self.assertEqual(len(cmds), 1)
        self.assertEqual(cmds[0]["file"], f"labs/{labs[0].dir}/x.c")
        self.assertEqual(cmds[0]["arguments"][:6], ["cc", "-I", "labs/common", "-I", f"labs/{labs[0].dir}/", "-O2"])
        self.assertEqual(cmds[0]["arguments"][-1], f"labs/{labs[0].dir}/x.c")


class Sanitising(unittest.TestCase):
    def test_terminal_text_has_no_escape_or_control_character(self):
        s = wb.for_terminal("a\x1b[2Jb\x1b]52;c;eA==\x07c\x07\x9b\u202e\r")
        self.assertFalse(any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f for c in s))
        self.assertNotIn("\u202e", s)

    def test_csv_cells_never_start_a_formula(self):
        for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx"):
            self.assertEqual(wb.csv_cell(bad)[0], "'")
        self.assertEqual(wb.csv_cell("alice"), "alice")


def run_case(case, out):
    """Grade one golden case into OUT: join each lab's TAP, then every format."""
    labs = wb.load_course(GOLDEN / "course.toml")
    (out / "labs").mkdir(parents=True)
    for lab in labs:
        tap = case / f"{lab.dir}.tap"
        res = wb.join(lab, tap.read_bytes(), wb.bats_tests(GOLDEN / "tests" / f"{lab.dir}.bats"),
                      max_lines=40, max_len=300)
        wb.write_json(out / "labs" / f"{lab.dir}.json", res)
    notes = case / "notes.txt"
    notes = notes.read_bytes().decode("utf-8", "replace").split("\n")[:-1] if notes.exists() else []
    wb.grade_reports(out, case.name, labs, notes)


FORMATS = ("summary.txt", "results.json", "prairielearn.json", "junit.xml", "results.tap")


class Golden(unittest.TestCase):
    """Each case in every format: the exact expected bytes, and valid under a
    strict reader of the format."""

    def check_case(self, name):
        case = GOLDEN / "cases" / name
        with tempfile.TemporaryDirectory() as d:
            out = Path(d)
            run_case(case, out)
            for f in FORMATS:
                got = (out / f).read_bytes()
                want = case / "expected" / f
                if UPDATE:
                    want.parent.mkdir(exist_ok=True)
                    want.write_bytes(got)
                self.assertEqual(got.decode("utf-8", "replace"), want.read_bytes().decode("utf-8", "replace"),
                                 f"{name}/{f} differs from its golden file")
            self.valid(out)

    def valid(self, out):
        for f in FORMATS:
            text = (out / f).read_bytes().decode("utf-8")  # strict UTF-8
            self.assertNotIn("\x1b", text, f"{f} holds an escape character")
        r = json.loads((out / "results.json").read_bytes().decode("utf-8"))
        self.assertEqual(r["score"], sum(t["score"] for t in r["tests"]))
        self.assertEqual((r["output_format"], r["test_output_format"]), ("md", "md"))
        for t in r["tests"]:
            self.assertEqual(set(t), {"name", "number", "score", "max_score", "status", "output", "tags", "visibility"})
            self.assertIn(t["visibility"], wb.VISIBILITY)
            self.assertTrue(not t["output"] or t["output"].startswith("```"), t["output"])
        pl = json.loads((out / "prairielearn.json").read_bytes().decode("utf-8"))
        self.assertTrue(0 <= pl["score"] <= 1 and isinstance(pl["gradable"], bool))
        for t in pl["tests"]:
            self.assertEqual(set(t), {"name", "description", "points", "max_points", "message", "output"})
        xml.dom.minidom.parse(str(out / "junit.xml"))
        if shutil.which("xmllint"):
            subprocess.run(["xmllint", "--noout", str(out / "junit.xml")], check=True, capture_output=True)

    def test_all_pass(self):
        self.check_case("all-pass")

    def test_all_fail(self):
        self.check_case("all-fail")

    def test_compile_error(self):
        self.check_case("compile-error")

    def test_crash_then_no_result(self):
        self.check_case("crash")

    def test_timeout_and_skip(self):
        self.check_case("timeout")

    def test_hostile_names_and_output(self):
        self.check_case("hostile")

    def test_class_csv_of_hostile_ids(self):
        labs = wb.load_course(GOLDEN / "course.toml")
        ids = ["alice", "=cmd|' -C calc'!A0", "bob,comma", 'quo"te', "new\nline", "-2+3", "@sum"]
        with tempfile.TemporaryDirectory() as d:
            for i, sid in enumerate(ids):
                run_case(GOLDEN / "cases" / ("all-pass", "crash", "timeout")[i % 3], Path(d, sid))
            Path(d, "not-a-result").mkdir()
            buf = io.StringIO()
            self.assertEqual(wb.class_csv(d, labs, buf), len(ids))
        want = GOLDEN / "grades.csv"
        if UPDATE:
            want.write_text(buf.getvalue(), encoding="utf-8")
        self.assertEqual(buf.getvalue(), want.read_text(encoding="utf-8"))
        rows = list(csv.reader(io.StringIO(buf.getvalue())))
        self.assertEqual(len(rows), len(ids) + 1)
        self.assertTrue(all(not r[0].startswith(("=", "+", "-", "@")) for r in rows))


class Platforms(unittest.TestCase):
    """What Gradescope, PrairieLearn and GitHub Classroom read, beyond the golden cases."""

    def graded(self, case, only=None):
        labs = wb.load_course(GOLDEN / "course.toml")
        out = []
        for lab in labs:
            if only and lab.id not in only:
                continue
            tap = (GOLDEN / "cases" / case / f"{lab.dir}.tap").read_bytes()
            out.append((lab, wb.join(lab, tap, wb.bats_tests(GOLDEN / "tests" / f"{lab.dir}.bats"))))
        return out

    def test_gradescope_visibility_is_the_lab_s(self):
        graded = self.graded("all-pass")
        graded[1][0].visibility = "hidden"
        r = wb.gradescope(graded, [])
        self.assertEqual({t["tags"][0]: t["visibility"] for t in r["tests"]}, {"lab 01": "visible", "lab 02": "hidden"})
        self.assertEqual([t["number"] for t in r["tests"]][:2], ["01.1.1", "01.1.1"])

    def test_markdown_shows_text_as_it_is(self):
        self.assertEqual(wb.md_text("*a* [b](c) `d` <e> | f"), "\\*a\\* \\[b\\]\\(c\\) \\`d\\` \\<e\\> \\| f")
        self.assertEqual(wb.md_code("x ```` y"), "`````text\nx ```` y\n`````")
        self.assertNotIn("\x1b", wb.md_code("\x1b[2J"))

    def test_prairielearn_a_submission_that_does_not_compile_is_not_gradable(self):
        pl = wb.prairielearn(self.graded("compile-error", only=("01",)), ["a note"])
        self.assertFalse(pl["gradable"])
        self.assertEqual((pl["score"], pl["tests"]), (0, []))
        self.assertIn("does not compile", pl["message"])
        self.assertIn("error: expected ';'", pl["message"])
        # one lab builds: gradable, with that lab's points
        pl = wb.prairielearn(self.graded("compile-error"), [])
        self.assertTrue(pl["gradable"])
        self.assertEqual((pl["score"], len(pl["tests"])), (4 / 9, 5))
        # failing tests that do build are gradable
        self.assertTrue(wb.prairielearn(self.graded("all-fail"), [])["gradable"])

    def test_a_task_result_passes_only_when_all_its_tests_pass(self):
        (lab, res), = self.graded("compile-error", only=("01",))
        buf = io.StringIO()
        self.assertFalse(wb.task_result(res, "1.1", buf))
        self.assertIn("FAIL 0/2 1.1 plain", buf.getvalue())
        (lab, res), = self.graded("all-pass", only=("01",))
        self.assertTrue(wb.task_result(res, "1.2", io.StringIO()))
        self.assertFalse(wb.task_result(res, "9.9", io.StringIO()))

    def test_the_classroom_workflow_has_a_step_per_task_and_the_reporter_reads_them_all(self):
        labs = wb.load_course(GOLDEN / "course.toml")
        text = wb.classroom_workflow(labs)
        try:
            import yaml
        except ModuleNotFoundError:
            self.skipTest("python3-yaml is not installed (tools/deps.sh dev)")
        wf = yaml.safe_load(text)
        self.assertEqual(wf["on"], ["push", "workflow_dispatch", "repository_dispatch"])
        steps = wf["jobs"]["grade"]["steps"]
        graders = [s for s in steps if "autograding-command-grader" in s.get("uses", "")]
        self.assertEqual([(s["with"]["command"], s["with"]["max-score"]) for s in graders],
                         [("tools/wb.py task-result 01 1.1", 3), ("tools/wb.py task-result 01 1.2", 2),
                          ("tools/wb.py task-result 02 1.1", 4)])
        reporter = steps[-1]
        self.assertEqual(reporter["with"]["runners"].split(","), [s["id"] for s in graders])
        self.assertEqual(set(reporter["env"]), {s["id"].upper() + "_RESULTS" for s in graders})
        self.assertEqual(graders[1]["with"]["test-name"], "Lab 01, task 1.2: second task, with a comma")

    def test_task_rates_count_the_students_graded_in_each_lab(self):
        labs = wb.load_course(GOLDEN / "course.toml")
        with tempfile.TemporaryDirectory() as d:
            for sid, case in (("a", "all-pass"), ("b", "all-fail"), ("c", "crash")):
                run_case(GOLDEN / "cases" / case, Path(d, sid))
            (Path(d, "c") / "labs" / "02-other.json").unlink()
            rows = wb.class_tasks(d, labs)
            self.assertEqual([(lab.id, t.id, ok, n) for lab, t, ok, n, _ in rows],
                             [("01", "1.1", 1, 3), ("01", "1.2", 1, 3), ("02", "1.1", 1, 2)])
            text = Path(d, "task-rates.txt").read_text(encoding="utf-8").splitlines()
            self.assertTrue(text[3].startswith("01   1.1      33%    1 of 3"), text)
            self.assertEqual(len(Path(d, "task-rates.tsv").read_text(encoding="utf-8").splitlines()), 4)


def course_tree(d):
    """A small whole course in D that passes the course check."""
    d = Path(d)
    for p, text in {
        "course.toml": LAB + TASK,
        "labs/01-demo/README.md": "# Demo\n",
        "labs/01-demo/demo.c": "int main(void)\n{\n    /* TODO 1.1: return 0 */\n    return 1;\n}\n",
        "labs/01-demo/observe/look.sh": "#!/bin/sh\n",
        "solutions/01-demo/demo.c": "int main(void)\n{\n    /* TODO 1.1: return 0 */\n    //@solution\n"
                                    "    return 0 + 0 + 0 + 0;\n    //@starter\n    // return 1;\n    //@end\n}\n",
        "tests/01-demo.bats": '# bats test_tags=task:1_1,points:2\n@test "1.1 it works" {\n    true\n}\n',
    }.items():
        Path(d, p).parent.mkdir(parents=True, exist_ok=True)
        Path(d, p).write_text(text, encoding="utf-8")
    return d


class CourseCheck(unittest.TestCase):
    def test_the_real_course_is_whole(self):
        self.assertEqual(wb.check_course(), [])

    def test_a_whole_fixture_course_passes(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertEqual(wb.check_course(course_tree(d)), [])

    def problems(self, change):
        with tempfile.TemporaryDirectory() as d:
            root = course_tree(d)
            change(root)
            return "\n".join(wb.check_course(root))

    def test_a_todo_the_manifest_does_not_list(self):
        def change(root):
            f = root / "labs/01-demo/demo.c"
            f.write_text(f.read_text() + "/* TODO 1.2: more */\n")
        self.assertIn('has "TODO 1.2:", a task course.toml does not list', self.problems(change))

    def test_a_task_with_no_todo_and_no_test(self):
        def change(root):
            (root / "course.toml").write_text(LAB + TASK + TASK.replace("1.1", "1.2"))
        p = self.problems(change)
        self.assertIn('task 1.2 has no "TODO 1.2:"', p)
        self.assertIn("task 1.2 has no test", p)

    def test_points_that_do_not_add_up(self):
        def change(root):
            (root / "course.toml").write_text(LAB + TASK.replace("points = 2", "points = 3"))
        self.assertIn("task 1.1 has 3 points in course.toml, its tests 2", self.problems(change))

    def test_a_hint_that_gives_the_solution_s_line(self):
        def change(root):
            (root / "course.toml").write_text(LAB + TASK.replace('"h"', '"write return 0 + 0 + 0 + 0; there"'))
        self.assertIn("the hint of task 1.1 gives the solution's line", self.problems(change))

    def test_a_second_hint_that_gives_the_solution_s_line(self):
        def change(root):
            (root / "course.toml").write_text(LAB + TASK.replace('hint = "h"', 'hint = "h"\nhint2 = "return 0 + 0 + 0 + 0;"'))
        self.assertIn("the hint2 of task 1.1 gives the solution's line", self.problems(change))

    def test_stray_files_missing_parts_and_a_test_of_no_task(self):
        def change(root):
            (root / "labs/01-demo/notes.txt").write_text("x")
            (root / "labs/99-stray").mkdir()
            (root / "labs/01-demo/README.md").unlink()
            with open(root / "tests/01-demo.bats", "a") as f:
                f.write('# bats test_tags=task:3_1,points:1\n@test "3.1 other" {\n    true\n}\n')
        p = self.problems(change)
        self.assertIn("a stray file labs/01-demo/notes.txt", p)
        self.assertIn("labs/99-stray: not a lab of course.toml", p)
        self.assertIn("README.md (the chapter)", p)
        self.assertIn("is of task 3.1, which course.toml does not list", p)

    def test_the_command_line_exits_1_and_names_the_problem(self):
        with tempfile.TemporaryDirectory() as d:
            root = course_tree(d)
            (root / "course.toml").write_text(LAB + TASK + TASK.replace("1.1", "1.2"))
            r = subprocess.run([sys.executable, str(HERE.parent.parent / "tools" / "wb.py"), "check-course", str(root)],
                               capture_output=True, text=True, env={**os.environ, "COURSE_MANIFEST": str(root / "course.toml")})
        self.assertEqual(r.returncode, 1)
        self.assertIn("task 1.2 has no test", r.stdout)


class CommandLine(unittest.TestCase):
    def test_a_file_that_cannot_be_written_is_named_not_a_traceback(self):
        # (as on a full disk: the results cannot be written; make watch shows the message)
        r = subprocess.run([sys.executable, str(HERE.parent.parent / "tools" / "wb.py"), "join", "01", os.devnull,
                            str(HERE.parent / "01-mmap-flags.bats"), "/nonexistent/01.json"],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "wb: /nonexistent/01.json: No such file or directory\n")


if __name__ == "__main__":
    unittest.main()
