"""Tests of tools/claims.py, the check of the book's list of claims
(book/appendix-claims.md): it must fail on a file or a test that does not
exist, on a claim that names nothing, and pass on the real list.

    python3 -m unittest discover -s tests/tools -p 'test_*.py'     (make test runs it)
"""

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOLS = HERE.parent.parent / "tools"
sys.path.insert(0, str(TOOLS))
import claims  # noqa: E402

BATS = '''# bats test_tags=task:1_1,points:2
@test "1.1 mcat prints a file" {
    true
}
'''


class ClaimsTest(unittest.TestCase):
    def tree(self, listing):
        """A tree with one observe script, one bats file and the claims LISTING."""
        d = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (d / "labs/01-x/observe").mkdir(parents=True)
        (d / "labs/01-x/observe/show.sh").write_text("#!/bin/sh\n")
        (d / "tests").mkdir()
        (d / "tests/01-x.bats").write_text(BATS)
        (d / "book").mkdir()
        (d / "book/appendix-claims.md").write_text("# Claims\n\n- not a claim: the introduction\n\n"
                                                   "## Lab 01\n\n" + listing)
        return d

    def problems(self, listing):
        d = self.tree(listing)
        return claims.check(d / "book/appendix-claims.md", d)

    def test_the_books_list_is_whole(self):
        self.assertEqual(claims.check(TOOLS.parent / claims.DEFAULT, TOOLS.parent), [])

    def test_existing_file_and_test_pass(self):
        self.assertEqual(self.problems("- A claim.\n  `labs/01-x/observe/show.sh`,\n"
                                       "  `tests/01-x.bats: 1.1 mcat prints a file`\n"), [])

    def test_missing_file_fails(self):
        got = self.problems("- A claim. `labs/01-x/observe/gone.sh`\n")
        self.assertEqual(got, ["book/appendix-claims.md:7: no file labs/01-x/observe/gone.sh"])

    def test_missing_test_fails(self):
        got = self.problems("- A claim. `tests/01-x.bats: 1.1 mcat prints a file twice`\n")
        self.assertEqual(got, ['book/appendix-claims.md:7: tests/01-x.bats has no test "1.1 mcat prints a file twice"'])

    def test_missing_bats_file_fails(self):
        got = self.problems("- A claim. `tests/02-y.bats: 1.1 mcat prints a file`\n")
        self.assertEqual(got, ["book/appendix-claims.md:7: no file tests/02-y.bats"])

    def test_claim_with_nothing_fails(self):
        got = self.problems("- A claim that nothing shows,\n  with `mmap()` in it.\n")
        self.assertEqual(len(got), 1)
        self.assertIn("names nothing that shows it", got[0])

    def test_only_kernel_sources_and_man_pages_count_as_links(self):
        ok = self.problems("- History. [c](https://git.kernel.org/pub/scm/x)\n")
        self.assertEqual(ok, [])
        got = self.problems("- A blog says so. [b](https://example.com/post)\n")
        self.assertIn("book/appendix-claims.md:7: https://example.com/post is not the kernel's source or a man page", got)

    def test_command_line_exit_status(self):
        d = self.tree("- A claim. `labs/01-x/observe/gone.sh`\n")
        r = subprocess.run([sys.executable, str(TOOLS / "claims.py"), "--root", str(d)],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no file labs/01-x/observe/gone.sh", r.stdout)


if __name__ == "__main__":
    unittest.main()
