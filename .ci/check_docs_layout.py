"""Load every built documentation page in headless Chromium and fail on overflow.

A code block wider than its column hides the end of its lines behind a
scroll bar: on the error reference that is the "How to fix it" line, the
point of each example. Character counts cannot prove that a block fits (the
font, its size and the column width decide), so this script lays each page
out in a real browser, at a desktop window width, and fails when

- a code block (``pre``) is wider than its box (``scrollWidth`` >
  ``clientWidth``), or
- the page itself is wider than the window.

It prints page, block and widths for each failure, and the column measured in
characters of the code font (the number ``tests/test_docs.py`` checks built
pages against without a browser).

Usage (``tox -e docs`` runs it after the build)::

    python .ci/check_docs_layout.py docs/_build/html [--width 1280]
        [--screenshot errors.html@2000=/tmp/errors.png]
        [--search "certificate verify failed"]

``--search`` prints the pages the site's own search (Sphinx's
``searchindex.js``, run by its ``search.html``) lists for the words, best
first: how a reader who types a pymongo message into the search box is served.

Chromium is driven through the DevTools protocol over a pipe
(``--remote-debugging-pipe``: requests on file descriptor 3, replies on 4,
each a JSON text ended by a NUL byte), so nothing but the standard library
and ``/usr/bin/chromium`` is needed, and no port is opened.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)

# Run in the page once it has loaded and its fonts are ready: every code block
# that does not fit, the page's own width, and the code column in characters.
MEASURE = """
(() => {
  const overflowing = [];
  const blocks = [...document.querySelectorAll("article pre")];
  for (const [index, pre] of blocks.entries()) {
    if (pre.clientWidth > 0 && pre.scrollWidth > pre.clientWidth) {
      const lines = pre.innerText.split("\\n");
      const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
      overflowing.push({
        index: index + 1,
        scrollWidth: pre.scrollWidth,
        clientWidth: pre.clientWidth,
        longest: longest,
      });
    }
  }
  // The narrowest code column of the page, in characters of the code font.
  let column = null;
  for (const [index, pre] of blocks.entries()) {
    if (pre.clientWidth === 0) continue;
    const style = getComputedStyle(pre);
    const probe = document.createElement("span");
    probe.textContent = "0".repeat(100);
    probe.style.font = style.font;
    probe.style.whiteSpace = "pre";
    probe.style.position = "absolute";
    document.body.appendChild(probe);
    const charWidth = probe.getBoundingClientRect().width / 100;
    probe.remove();
    const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const textWidth = pre.clientWidth - padding;
    const chars = Math.floor(textWidth / charWidth);
    if (column === null || chars < column.chars) {
      column = {
        index: index + 1,
        font: style.fontFamily,
        fontSize: style.fontSize,
        charWidth: charWidth,
        textWidth: textWidth,
        chars: chars,
      };
    }
  }
  return {
    blocks: blocks.length,
    overflowing: overflowing,
    pageWidth: document.documentElement.scrollWidth,
    pageHeight: document.documentElement.scrollHeight,
    viewportWidth: window.innerWidth,
    column: column,
  };
})()
"""


class DevTools:
    """A headless Chromium, and the DevTools protocol over its pipe."""

    def __init__(self, chromium: str, width: int, height: int) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="atlasconnect-chromium-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def give_pipe_to_browser() -> None:
            # Duplicate both ends before moving them: either may already be 3 or 4.
            read_end, write_end = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self._process = subprocess.Popen(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={self._profile.name}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=give_pipe_to_browser,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Page.enable", session=True)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        result: dict[str, Any] = json.loads(message)
        return result

    def call(self, method: str, *, session: bool = False, **params: Any) -> dict[str, Any]:
        """Send one command and return its result; events met meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        self._send(message)
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._events.append(reply)

    def wait_for(self, event: str) -> None:
        """Return once ``event`` has arrived (dropping the events before it)."""
        while True:
            while self._events:
                if self._events.pop(0).get("method") == event:
                    return
            self._events.append(self._receive())

    def load(self, url: str) -> None:
        self._events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("Page.loadEventFired")
        self.evaluate("document.fonts.ready.then(() => true)")

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, top: int, height: int) -> None:
        """A PNG of ``height`` px of the page from ``top`` down, at the window's width."""
        width = self.call("Page.getLayoutMetrics", session=True)["cssContentSize"]["width"]
        shot = self.call(
            "Page.captureScreenshot",
            session=True,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": top, "width": width, "height": height, "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        try:
            self._send({"id": 0, "method": "Browser.close"})
            self._process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._profile.cleanup()


@dataclass
class PageReport:
    page: str
    measured: dict[str, Any]

    def problems(self) -> list[str]:
        found = []
        width, viewport = self.measured["pageWidth"], self.measured["viewportWidth"]
        if width > viewport:
            found.append(f"{self.page}: the page is {width} px wide in a {viewport} px window")
        for block in self.measured["overflowing"]:
            found.append(
                f"{self.page}: code block {block['index']} is {block['scrollWidth']} px wide "
                f"in a {block['clientWidth']} px box; its longest line "
                f"({len(block['longest'])} characters): {block['longest']!r}"
            )
        return found

    def summary(self) -> str:
        measured = self.measured
        return (
            f"{self.page}: {measured['blocks']} code blocks, "
            f"{len(measured['overflowing'])} too wide; page "
            f"{measured['pageWidth']} x {measured['pageHeight']} px"
        )


# Sphinx's search page fills its list after loading the index; wait until it says it is done.
SEARCH_RESULTS = """
new Promise((resolve) => {
  const done = () => {
    const status = document.querySelector("#search-results .search-summary");
    if (status && status.textContent.trim()) {
      resolve([...document.querySelectorAll("#search-results ul.search li > a")].map(
        (link) => link.getAttribute("href")));
    } else {
      setTimeout(done, 50);
    }
  };
  done();
})
"""


def search(browser: DevTools, html: Path, words: str) -> list[str]:
    """The results of the site's search for ``words``, as links, in the order shown."""
    query = urllib.parse.urlencode({"q": words})
    browser.load(f"{(html / 'search.html').resolve().as_uri()}?{query}")
    results: list[str] = browser.evaluate(SEARCH_RESULTS)
    return results


def built_pages(html: Path) -> list[Path]:
    """The pages of the site (not Sphinx's search and index pages)."""
    skipped = {"search.html", "genindex.html", "py-modindex.html"}
    return sorted(
        page
        for page in html.rglob("*.html")
        if page.name not in skipped and not page.relative_to(html).parts[0].startswith("_")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", type=Path, help="the built HTML (docs/_build/html)")
    parser.add_argument("--width", type=int, default=1280, help="window width in px")
    parser.add_argument("--height", type=int, default=900, help="window height in px")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument(
        "--screenshot",
        action="append",
        default=[],
        metavar="PAGE[@TOP]=FILE.png",
        help="also save a PNG of a window's height of a page (relative to the HTML "
        "folder), from TOP px down",
    )
    parser.add_argument(
        "--search",
        action="append",
        default=[],
        metavar="WORDS",
        help="also print the pages the site's own search lists for WORDS, best first",
    )
    args = parser.parse_args(argv)
    pages = built_pages(args.html)
    if not pages:
        print(f"no built pages in {args.html}: build the docs first", file=sys.stderr)
        return 2
    if not Path(args.chromium).is_file():
        print(
            f"no Chromium at {args.chromium}: install Debian's chromium package "
            "(apt-get install chromium) or pass --chromium PATH",
            file=sys.stderr,
        )
        return 2
    screenshots: dict[str, list[tuple[int, Path]]] = {}
    for item in args.screenshot:
        page_and_top, _, file = item.partition("=")
        page, _, top = page_and_top.partition("@")
        screenshots.setdefault(page, []).append((int(top or 0), Path(file)))
    browser = DevTools(args.chromium, args.width, args.height)
    problems: list[str] = []
    narrowest: tuple[str, dict[str, Any]] | None = None
    try:
        for page in pages:
            name = page.relative_to(args.html).as_posix()
            browser.load(page.resolve().as_uri())
            report = PageReport(name, browser.evaluate(MEASURE))
            print(report.summary())
            problems += report.problems()
            column = report.measured["column"]
            if column is not None and (
                narrowest is None or column["chars"] < narrowest[1]["chars"]
            ):
                narrowest = (name, column)
            for top, file in screenshots.get(name, []):
                browser.screenshot(file, top, args.height)
        for words in args.search:
            ranked = search(browser, args.html, words)
            print(f"search {words!r}: " + ", ".join(f"{n}. {r}" for n, r in enumerate(ranked, 1)))
    finally:
        browser.close()
    if narrowest is not None:
        name, column = narrowest
        print(
            f"narrowest code column at {args.width} px: {column['chars']} characters "
            f"({name}, code block {column['index']}: {column['textWidth']:.0f} px of "
            f"{column['fontSize']} {column['font']} at {column['charWidth']:.2f} px each)"
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} layout problems at {args.width} px", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
