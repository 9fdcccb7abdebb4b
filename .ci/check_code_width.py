"""Fail when a built documentation page has a code line wider than its column.

The check without a browser: it reads the built HTML and counts characters.
``.ci/check_docs_layout.py`` lays the pages out in Chromium and measures pixels;
this script holds the same limits as numbers of characters, so that a line
too long for the page is caught even where no browser is installed.

The limits were measured with ``.ci/check_docs_layout.py`` in a 1280 px
window (where Furo's content column has its full width): a code block at the
top level of a page is a 736 px box with 14 px of padding on each side, a
definition (``dd``) takes 40 px off it and a list item 19 px; code is set in
13 px monospace (12 px in the side-by-side tables of the migrating page,
whose cells are 360 px), and the monospace fonts Furo asks for (SF Mono,
Menlo, Consolas; DejaVu Sans Mono or Liberation Mono where those are
missing) advance about 0.602 em per character: 7.83 px at 13 px. So a
top-level block holds 90 characters, one in a definition 85 and one in a
side-by-side cell 45.

A block marked ``:class: wrap`` (a pasted message whose command is a single
word longer than the page) wraps in the browser; in it, only a line that is
one word may be longer than the column.

Usage (``tox -e docs`` runs it after the build)::

    python .ci/check_code_width.py docs/_build/html
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BOX_PX = 736
PADDING_PX = 2 * 14
INDENT_PX = {"dd": 40, "li": 19}
CHARACTER_EM = 0.602
CODE_FONT_PX = 13
SIDE_BY_SIDE = (360, 12)  # the cell's box and font size, in px
VOID_ELEMENTS = {"br", "hr", "img", "input", "link", "meta", "wbr", "col", "area", "source"}


def column(box_px: float, font_px: float) -> int:
    """How many characters of the code font fit in a code box this wide."""
    return int((box_px - PADDING_PX) / (CHARACTER_EM * font_px))


@dataclass
class CodeBlock:
    """One ``pre`` of a page: its text and the column it sits in."""

    number: int
    columns: int
    wraps: bool
    text: list[str] = field(default_factory=list)

    def too_wide(self) -> list[str]:
        lines = "".join(self.text).split("\n")
        return [
            line
            for line in lines
            if len(line) > self.columns and not (self.wraps and len(line.split()) == 1)
        ]


class CodeBlocks(HTMLParser):
    """The code blocks of a page's content, each with the width of its column."""

    def __init__(self, container: str) -> None:
        super().__init__(convert_charrefs=True)
        self.container = container
        self.blocks: list[CodeBlock] = []
        self._open: list[tuple[str, list[str]]] = []
        self._in_content = False
        self._current: CodeBlock | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == self.container:
            self._in_content = True
        if tag == "pre" and self._in_content:
            self._current = CodeBlock(len(self.blocks) + 1, self._columns(), self._wraps())
            self.blocks.append(self._current)
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, classes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._current = None
        if tag == self.container:
            self._in_content = False
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.text.append(data)

    def _columns(self) -> int:
        if any(tag == "table" and "side-by-side" in classes for tag, classes in self._open):
            return column(*SIDE_BY_SIDE)
        indent = sum(INDENT_PX.get(tag, 0) for tag, _ in self._open)
        return column(BOX_PX - indent, CODE_FONT_PX)

    def _wraps(self) -> bool:
        return any("wrap" in classes for _, classes in self._open)


def too_wide_lines(page: str, container: str = "article") -> list[tuple[CodeBlock, str]]:
    """(block, line) for every code line of a built page wider than its column.

    Only the code inside ``container`` counts: Furo's ``article`` (its
    navigation is not the page), or ``main`` in a page plain docutils made.
    """
    parser = CodeBlocks(container)
    parser.feed(page)
    parser.close()
    return [(block, line) for block in parser.blocks for line in block.too_wide()]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: check_code_width.py BUILT_HTML_FOLDER", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    pages = sorted(folder.rglob("*.html"))
    if not pages:
        print(f"no built pages in {folder}: build the docs first", file=sys.stderr)
        return 2
    problems = 0
    for page in pages:
        name = page.relative_to(folder).as_posix()
        for block, line in too_wide_lines(page.read_text(encoding="utf-8")):
            problems += 1
            print(
                f"{name}: code block {block.number} has a line of {len(line)} characters "
                f"in a column of {block.columns}: {html.unescape(line)!r}",
                file=sys.stderr,
            )
    if problems:
        print(f"{problems} code lines wider than their column", file=sys.stderr)
        return 1
    print(f"every code line of {len(pages)} pages fits its column")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
