"""Text for a terminal: the layout of every line atlasconnect prints, and ``explain``'s
explanation (the doctor's lines are :mod:`atlasconnect._doctor_text`'s).

One idea: what atlasconnect tells a person is wrapped to the terminal's width
with a hanging indent, and every command in it stands whole on a line of its
own, so that it can be copied. A command is what a ``why`` or ``fix`` text
writes between two backquote characters, as in the fix "check the clock:
`date -u`": the one convention those texts follow (:data:`COMMAND`). A
command wider than the terminal stays whole: a broken command is worse than a
long line.

The width is :func:`shutil.get_terminal_size`'s (so ``COLUMNS`` sets it).
ANSI escape sequences (colour here, the doctor's in-place waiting line in
:mod:`atlasconnect._cli`) only on a terminal, and never with ``NO_COLOR`` set
(to any value) or ``TERM=dumb`` (:func:`wants_escapes`). Whatever a user wrote
(a connection string, a pasted text) may hold control characters: a block
shows them escaped (:func:`printable`), so that no text but atlasconnect's own
moves the cursor, clears the screen or rings the bell. Nothing here writes:
:mod:`atlasconnect._cli` prints the lines.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from ._exceptions import AtlasConnectError, family_of, fix_for

COMMAND = re.compile(r"`([^`\n]+)`")
"""A command in a ``why`` or ``fix`` text: between backquotes, on one line."""


MIN_WIDTH = 40
"""Narrower terminals get this width: below it, no layout is readable."""


INDENT = "  "
"""The hanging indent of a block's continuation lines."""
COMMAND_INDENT = "    "
"""A command's own line: further in than the text around it."""


_BOLD = "1"


@dataclass(frozen=True)
class Style:
    """How wide the output may be, and whether it may have colour."""

    width: int = 80
    color: bool = False

    def paint(self, text: str, code: str) -> str:
        """``text`` in an ANSI colour or weight (SGR ``code``), when colour is on."""
        return f"\033[{code}m{text}\033[0m" if self.color and text else text


def style_for(stream: TextIO) -> Style:
    """The style for ``stream``: the terminal's width, colour only on a terminal that wants it."""
    return Style(terminal_width(), wants_escapes(stream))


def terminal_width() -> int:
    return max(MIN_WIDTH, shutil.get_terminal_size().columns)


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except (OSError, ValueError):  # a closed stream
        return False


def wants_escapes(stream: TextIO) -> bool:
    """Escape sequences (colour, moving the cursor) on a terminal only, and never with
    ``NO_COLOR`` (any value: https://no-color.org) or ``TERM=dumb``."""
    return is_terminal(stream) and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""The C0 and C1 control characters and DEL, but tab and newline: what a terminal obeys."""


def printable(text: str) -> str:
    """``text`` with each control character written as an escape (ESC as ``\\x1b``).

    A connection string or a pasted text can hold an ESC that would clear the
    screen or retitle the window, a BEL, a carriage return that hides what
    came before it: shown escaped, they are seen, and obeyed by no terminal.
    """
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


# Blocks: wrapped text with its commands on lines of their own.


def block(
    text: str,
    style: Style,
    *,
    first: str = "",
    indent: str = INDENT,
    commands: bool = True,
) -> list[str]:
    """``text`` wrapped: its first line after ``first``, the others after ``indent``.

    With ``commands``, each command (:data:`COMMAND`) gets a line of its own
    after ``indent`` and :data:`COMMAND_INDENT`, without its backquotes (see
    :func:`_pieces` for the punctuation around it, and :func:`_command_block`
    for a command too wide for that line). Without, backquotes
    are text like any other (a pasted message is not atlasconnect's to
    interpret). Control characters in ``text`` and ``first`` are shown escaped
    (:func:`printable`).
    """
    text, first = printable(text), printable(first)
    pieces = _pieces(text) if commands else [text]
    lines: list[str] = []
    prefix = first
    for index, piece in enumerate(pieces):
        if index % 2:  # a command
            if prefix.strip():
                lines.append(prefix.rstrip())
            lines += _command_block(piece, style, indent + COMMAND_INDENT)
            prefix = indent
        elif piece:
            lines.extend(_wrap(piece, style.width, prefix, indent))
            prefix = indent
    if prefix.strip():  # a label whose text was empty
        lines.append(prefix.rstrip())
    return lines


def _command_block(command: str, style: Style, at: str) -> list[str]:
    """The lines of one command: after ``at`` if it fits there, else further left, after
    :data:`INDENT`, if it fits there, else split by :func:`command_lines` after ``at``."""
    for where in (at, INDENT):
        if len(where) + len(command) <= style.width:
            return [where + style.paint(command, _BOLD)]
    pieces = command_lines(command, style.width - len(at))
    if len(pieces) == 1:  # wider than any line: whole, as far left as it goes
        return [INDENT + style.paint(command, _BOLD)]
    return [
        at + (COMMAND_INDENT if number else "") + style.paint(line, _BOLD)
        for number, line in enumerate(pieces)
    ]


_PYTHON_C = re.compile(r'python -c "([^"\\$`]+)"')
"""A ``python -c`` command whose code the shell passes on as written (no ``\\``, ``$``,
backquote or inner double quote in it)."""


def command_lines(command: str, room: int) -> list[str]:
    """``command`` as lines of at most ``room`` columns (the first) or ``room`` - 4 (the
    others, indented by :data:`COMMAND_INDENT`) that, pasted together, are the same command.

    Only a ``python -c "..."`` command is split, and only inside the brackets of its
    code, after a comma or an opening bracket, outside string literals: the shell keeps
    the newlines of a double-quoted string as they are, and Python ignores a newline
    and the spaces after it inside brackets. Any other command, or one with no such
    place, stays whole, however wide: a broken command is worse than a long line.
    """
    match = _PYTHON_C.fullmatch(command)
    if len(command) <= room or match is None:
        return [command]
    breaks = [match.start(1) + offset for offset in _break_points(match.group(1))]
    lines: list[str] = []
    start, limit = 0, room
    while len(command) - start > limit:
        fitting = [cut for cut in breaks if start < cut <= start + limit]
        if not fitting:
            break
        lines.append(command[start : fitting[-1]].strip())
        start, limit = fitting[-1], room - len(COMMAND_INDENT)
    return [*lines, command[start:].lstrip()]


def _break_points(code: str) -> list[int]:
    """Where ``code`` may take a newline: after ``,`` or ``(`` inside brackets, outside
    string literals (its quotes are single quotes, as in every fix text)."""
    points, depth, quoted = [], 0, False
    for index, char in enumerate(code):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "([{":
            depth += 1
            points.append(index + 1)
        elif not quoted and char in ")]}":
            depth -= 1
        elif not quoted and char == "," and depth > 0:
            points.append(index + 1)
    return points


def _pieces(text: str) -> list[str]:
    """Prose and commands, alternately (a command at every odd index), tidied.

    The command's own line sets it apart: an opening parenthesis just before
    it, and the punctuation just after it, are dropped.
    """
    pieces = COMMAND.split(text)
    for index in range(1, len(pieces), 2):
        before = pieces[index - 1].rstrip()
        pieces[index - 1] = before[:-1].rstrip() if before.endswith("(") else before
        pieces[index] = pieces[index].strip()
        pieces[index + 1] = pieces[index + 1].lstrip(_AFTER_COMMAND)
    return [piece.strip() for piece in pieces]


_AFTER_COMMAND = " \t\n.,;:)"


def _wrap(text: str, width: int, first: str, indent: str) -> list[str]:
    """Lines of ``text``: its first line after ``first``, the others after ``indent``.

    A word too long for a line after ``indent`` (a path, a connection string)
    gets a line of its own further left, after :data:`INDENT`, so that it can
    be copied whole; only a word too long for that too is broken.
    """
    lines: list[str] = []
    pieces = re.split(rf"(\S{{{max(width - len(indent), 1) + 1},}})", text)
    for index, piece in enumerate(pieces):
        if index % 2:  # a long word
            if first.strip():
                lines.append(first.rstrip())
            wrapper = _Wrapper(
                width=width, initial_indent=INDENT, subsequent_indent=INDENT, break_on_hyphens=False
            )
            lines += wrapper.wrap(piece)
            first = indent
        elif piece.strip():
            lines += _wrap_words(piece.strip(), width, first, indent)
            first = indent
    return lines or [first.rstrip()]


def _wrap_words(text: str, width: int, first: str, indent: str) -> list[str]:
    """Lines of ``text``, whose every word fits a line after ``indent``.

    A first word that fits a continuation line but not beside ``first`` puts
    ``first`` on a line of its own.
    """
    lines = []
    first_word = text.split(maxsplit=1)[0] if text.strip() else ""
    if len(first) + len(first_word) > width >= len(indent) + len(first_word) and first.strip():
        lines.append(first.rstrip())
        first = indent
    wrapper = _Wrapper(
        width=width, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False
    )
    return lines + (wrapper.wrap(text) or [first.rstrip()])


class _Wrapper(textwrap.TextWrapper):
    """textwrap's wrapper, but a word the next line can hold whole goes there unbroken,
    and a word no line can hold (a long URI, a path) breaks after a separator if it can.
    """

    def _handle_long_word(
        self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int
    ) -> None:
        word = reversed_chunks[-1]
        whole_line = self.width - len(self.subsequent_indent)
        if cur_line and len(word) <= whole_line:
            return  # this line ends here; the next one starts with the word
        space_left = max(width - cur_len, 1)
        separator = max(word.rfind(mark, 0, space_left) for mark in _BREAK_AFTER)
        end = separator + 1 if separator > 0 else space_left
        cur_line.append(word[:end])
        reversed_chunks[-1] = word[end:]


_BREAK_AFTER = "&?/,;"
"""Where a word too long for any line breaks best: a URI's options, a path's parts."""


# The explanation of one error: explain's output, and the end of the doctor's verdict.


def headline(error: AtlasConnectError) -> str:
    """``ClassName (family, exit status N)``."""
    family = family_of(error)
    return f"{type(error).__name__} ({family.value}, exit status {family.exit_status})"


def explanation(
    error: AtlasConnectError,
    style: Style,
    *,
    show_found: bool = True,
    evidence: Iterable[str] = (),
) -> list[str]:
    """What was found (unless already shown), why it matters and how to fix it, indented.

    The fix is the command line's (settings as connection-string options).
    ``evidence``: sentences that make the why concrete (what the doctor saw).
    """
    lines = block(error.found, style, first=INDENT, commands=False) if show_found else []
    why = " ".join([error.why, *evidence])
    lines += block(why, style, first=f"{INDENT}Why it matters: ", indent=INDENT * 2)
    fix = fix_for(error, "cli")
    lines += block(fix, style, first=f"{INDENT}How to fix it: ", indent=INDENT * 2)
    return lines


def error_details(error: AtlasConnectError, style: Style) -> list[str]:
    """The error's other attributes (reason, what each server said...), for ``-v``."""
    shown = {
        name: value
        for name, value in vars(error).items()
        if not name.startswith("_") and name not in ("found", "why", "fix") and value
    }
    return detail_lines(shown, style, INDENT)


def detail_lines(details: Mapping[str, Any], style: Style, indent: str) -> list[str]:
    """``key: value`` lines, nested mappings flattened to ``outer.inner``."""
    lines = []
    for key, value in _flattened(details):
        lines += block(
            _shown(value), style, first=f"{indent}{key}: ", indent=indent + INDENT, commands=False
        )
    return lines


def _flattened(details: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in details.items():
        if isinstance(value, Mapping) and value:
            items += _flattened(value, f"{prefix}{key}.")
        else:
            items.append((f"{prefix}{key}", value))
    return items


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(map(_shown, value)) or "none"
    if isinstance(value, Mapping):
        return "none"
    return "none" if value is None else str(value)
