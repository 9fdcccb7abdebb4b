"""Commands in fix texts, written so that pasting one runs that command and nothing else.

A ``why`` or ``fix`` text delimits each command between backquotes (see
:mod:`atlasconnect._render`), and people paste it into a shell. Some commands
name a value taken from input: a host name from a connection string or from a
pasted error text, a port, the path of this interpreter. Every such value
reaches a command through this module, as a :data:`Word`:

- :func:`host` and :func:`port` accept only what needs no quoting in any shell
  (a host name of letters, digits, hyphens and underscores in dot-separated
  labels, an IPv4 or bracketless IPv6 address; a port number), and give None
  for anything else: the caller then leaves the command out, or names a
  placeholder. A host name that needs quoting is not one a lookup can find, and
  quoting it inside the Python string of a ``python -c "..."`` command, inside
  the shell's double quotes, is where mistakes hide;
- :func:`path` quotes a path for the shell of this platform (:func:`shlex.quote`
  on POSIX, double quotes for cmd and PowerShell on Windows), and gives None for
  a path no quoting there carries safely;
- :func:`command` puts words into a command's template, backquotes around it.

Values in the prose around commands go through :func:`prose`, so that a
backquote in a host name or a user name cannot start a command of its own.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
from typing import NewType

Word = NewType("Word", str)
"""A value written so that every shell a fix is meant for reads it back unchanged, as one
word, running nothing: the only thing :func:`command` puts into a command."""

_LABEL = r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
"""RFC 1123 labels, and underscores, which DNS names hold (``_mongodb._tcp``)."""
_MAX_HOST_NAME = 253
_SCOPE_ID = re.compile(r"[A-Za-z0-9_.-]+")
"""An IPv6 zone (``fe80::1%eth0``): an interface's name or number."""


def host(value: str) -> Word | None:
    """``value`` as a command's argument if it is a host name or an IP address, else None.

    A host name is made of dot-separated labels of 1 to 63 letters, digits,
    hyphens or underscores, none starting or ending with a hyphen (so it is never
    read as an option): nothing any shell or a Python string literal treats
    specially. IPv6 addresses are bracketless, as Python's socket calls take them.
    """
    if len(value) <= _MAX_HOST_NAME and _HOST_NAME.fullmatch(value):
        return Word(value)
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    scope = getattr(address, "scope_id", None)
    return Word(value) if scope is None or _SCOPE_ID.fullmatch(scope) else None


_MAX_PORT = 65535


def port(value: str | int) -> Word | None:
    """``value`` as a port number in a command (``27017``), else None.

    Only ASCII digits: ``str.isdigit`` also accepts digits of other scripts,
    which Python code cannot hold. Leading zeros are dropped (``027017`` is
    not a Python number).
    """
    text = str(value)
    if not (text.isascii() and text.isdigit()) or int(text) > _MAX_PORT:
        return None
    return Word(str(int(text)))


# What no quoting carries safely in a command of a fix: a backquote (it ends the
# command in the fix's text), a character that is not printable (a newline runs
# what follows it; a tab completes), a backslash (fish reads one before the closing
# quote as an escape) and "!" (interactive bash, zsh and csh expand history in
# double quotes, and csh in single quotes too).
_UNQUOTABLE_POSIX = frozenset("`\\!")
# cmd expands %VAR% and (with delayed expansion) !VAR! inside double quotes; PowerShell
# expands $ and escapes with ` there, and takes typographic quotes for quotes.
_UNQUOTABLE_WINDOWS = frozenset('"%!$`\u2018\u2019\u201a\u201b\u201c\u201d\u201e')
_BARE_WINDOWS = re.compile(r"[A-Za-z0-9_\\:./-]+")


def path(value: str, *, windows: bool | None = None) -> Word | None:
    """``value`` (a file's path) quoted for the shell of this platform, else None.

    POSIX shells get :func:`shlex.quote` (single quotes where needed); Windows's
    cmd and PowerShell get double quotes where needed, which both read alike
    when the path holds none of the characters they expand there. ``windows``:
    which platform to write for (default: this one).
    """
    if windows is None:
        windows = os.name == "nt"
    unquotable = _UNQUOTABLE_WINDOWS if windows else _UNQUOTABLE_POSIX
    if not value or not value.isprintable() or unquotable.intersection(value):
        return None
    if not windows:
        return Word(shlex.quote(value))
    if _BARE_WINDOWS.fullmatch(value):
        return Word(value)
    # A backslash before the closing quote would escape it for the program that reads it.
    return None if value.endswith("\\") else Word(f'"{value}"')


def command(template: str, /, **words: Word) -> str:
    """``template`` with ``words`` in its ``{fields}``, between backquotes, as fixes write
    a command: ``command("nslookup {host}", host=word)``.

    The template is atlasconnect's own text; every value from input is a word.
    """
    written = template.format(**words)
    if "`" in written or not written.isprintable():
        raise ValueError(f"not a command a fix can show: {written!r}")
    return f"`{written}`"


def prose(value: str) -> str:
    """``value`` as text around commands: a backquote, which would start a command, and
    characters that are not printable (a newline, a NUL) written as escapes (``\\x60``)."""
    return "".join(char if char.isprintable() and char != "`" else _escape(char) for char in value)


def _escape(char: str) -> str:
    return "\\x60" if char == "`" else repr(char)[1:-1]
