#!/usr/bin/python3
"""tools/bookcheck.py - the book's HTML as a reader's browser shows it (headless Chromium).

    tools/bookcheck.py BOOK.html [WIDTH...]        (default widths: 1280 420)

For each window width, Chromium opens a copy of the page with a small script added
(below) that, once the page has loaded, writes what it found into the page; the page is
read back with --dump-dom (a screenshot of a file://...#anchor comes out blank headless).
Each problem is printed on one line, starting with its kind:

    links     an internal link (href="#id") whose anchor is not in the page
    images    an image that did not load (or has no size)
    overflow  a code block (or the page itself) wider than the window lets it be:
              the reader would have to scroll it sideways, or it is clipped in print

Exit status: 0 no problem, 1 problems (listed), 2 Chromium could not check the page.
Chromium is Debian's `chromium` (tools/deps.sh bookcheck).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

PROBE = r"""
<script>
window.addEventListener("load", function () {
  var found = [];
  function section(el) {      // the id of the nearest heading before EL, for the message
    var all = document.querySelectorAll("h1[id], h2[id], h3[id], h4[id]"), at = "top";
    for (var i = 0; i < all.length; i++) {
      if (all[i].compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) at = all[i].id;
      else break;
    }
    return "#" + at;
  }
  document.querySelectorAll("pre").forEach(function (pre) {
    var over = pre.scrollWidth - pre.clientWidth;
    if (over > 1) {
      var lines = pre.textContent.split("\n"), wide = "";
      lines.forEach(function (l) { if (l.length > wide.length) wide = l; });
      found.push(["overflow", section(pre) + ": a code block is " + over + " px too wide, its widest line (" +
                  wide.length + " columns): " + wide.trim().slice(0, 60)]);
    }
  });
  var page = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  if (page > 1) {
    var wide = "";   // the innermost element that first reaches past the window's right edge
    var all = document.body.querySelectorAll("*"), edge = document.documentElement.clientWidth + 1;
    for (var i = 0; i < all.length && !wide; i++) {
      var el = all[i];
      if (el.getBoundingClientRect().right <= edge) continue;
      var inner = Array.prototype.some.call(el.querySelectorAll("*"), function (c) { return c.getBoundingClientRect().right > edge; });
      if (!inner) wide = ", first by " + section(el) + ": <" + el.tagName.toLowerCase() + "> " + el.textContent.trim().slice(0, 60);
    }
    found.push(["overflow", "the page itself scrolls sideways by " + page + " px" + wide]);
  }
  document.querySelectorAll("a[href^='#']").forEach(function (a) {
    var id = decodeURIComponent(a.getAttribute("href").slice(1));
    if (id && !document.getElementById(id))
      found.push(["links", section(a) + ": the link '" + a.textContent.trim().slice(0, 40) + "' goes to #" + id + ", which is not in the page"]);
  });
  document.querySelectorAll("img").forEach(function (img) {
    if (!img.complete || img.naturalWidth === 0)
      found.push(["images", section(img) + ": the image '" + (img.alt || img.getAttribute("src").slice(0, 60)) + "' did not load"]);
  });
  var out = document.createElement("pre");
  out.id = "wb-bookcheck";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>
"""


class Results(HTMLParser):
    """The text of the element with id wb-bookcheck."""

    def __init__(self):
        super().__init__()
        self.inside, self.text = False, None

    def handle_starttag(self, tag, attrs):
        if ("id", "wb-bookcheck") in attrs:
            self.inside, self.text = True, ""

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    raise RuntimeError("chromium is not installed (tools/deps.sh bookcheck installs it)")


def check(html, width, tmp):
    page = os.path.join(tmp, f"page-{width}.html")
    with open(html, encoding="utf-8") as f:
        text = f.read()
    end = text.rfind("</body>")
    if end < 0:
        raise RuntimeError(f"{html}: no </body>: not an HTML page")
    with open(page, "w", encoding="utf-8") as f:
        f.write(text[:end] + PROBE + text[end:])
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           f"--user-data-dir={tmp}/profile", f"--window-size={width},1000",
           "--virtual-time-budget=20000", "--dump-dom", "file://" + os.path.abspath(page)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    parser = Results()
    parser.feed(run.stdout)
    if parser.text is None:
        raise RuntimeError(f"Chromium gave no result at {width} px (exit {run.returncode}): "
                           + run.stderr.strip()[-500:])
    return json.loads(parser.text)


def main(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    html, widths = argv[0], [int(w) for w in argv[1:]] or [1280, 420]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for width in widths:
                for kind, what in check(html, width, tmp):
                    line = f"{kind}: {what}" if kind != "overflow" else f"{kind} at {width} px: {what}"
                    if line not in problems:
                        problems.append(line)
        except (OSError, RuntimeError, ValueError, subprocess.TimeoutExpired) as e:
            print(f"bookcheck: {e}", file=sys.stderr)
            return 2
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
