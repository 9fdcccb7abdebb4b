"""A connection string as people paste it: what surrounds it, what hides in it, what was left.

Connection strings reach programs through ``.env`` files, Kubernetes secrets made
with ``echo``, ``docker --env-file`` (which keeps quotes), Windows editors (which
add a byte-order mark) and copies from web pages and chats. pymongo takes the
text as it is and reads such characters inconsistently: a query of one option
is split at whitespace, so ``tlsInsecure=true\\n`` reads as true, while the same
option followed by another keeps the newline in its value and is dropped with
only a warning; ``w=majority\\n`` reaches the server as a write concern of that
name. One rule, applied wherever atlasconnect reads a connection string
(:func:`atlasconnect.connect`, ``connect_async``, ``client_options``, the
doctor, the integrations, and :func:`atlasconnect.explain` when it redacts one):

- what surrounds the string is removed: whitespace and line breaks, a
  byte-order mark and other invisible characters, then one pair of matching
  quotes (``"``, ``'``, a backquote or typographic quotes) and what they enclose
  of the same; no connection string begins or ends with any of these;
- whitespace and invisible characters inside it are refused with a
  :class:`~atlasconnect.ConnectionStringError` that names the character, where
  it is and where it likely came from: RFC 3986 allows none, and a space that
  belongs to a password or an option value is written ``%20``.

What is shown never includes a secret: the user information is named by its
place only.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple
from urllib.parse import unquote_plus

from . import _address as address
from ._exceptions import ConnectionStringError

SCHEMES = ("mongodb://", "mongodb+srv://")

_QUOTE_PAIRS = {'"': '"', "'": "'", "`": "`", "\u201c": "\u201d", "\u2018": "\u2019"}
_QUOTES = frozenset(_QUOTE_PAIRS) | frozenset(_QUOTE_PAIRS.values())

COPY_FIX = "copy the connection string again from Atlas: Database > Connect > Drivers."


def is_invisible(character: str) -> bool:
    """Whitespace, a control character, or one that prints nothing (a byte-order mark).

    Not a lone surrogate: that is a byte that was not UTF-8 (a command-line
    argument decoded with ``surrogateescape``), which the host checks explain.
    """
    if character.isspace():
        return True
    return not character.isprintable() and unicodedata.category(character) != "Cs"


def strip_surroundings(text: str) -> str:
    """``text`` without what may surround a connection string (see the module docstring)."""
    stripped = _strip_invisible(text)
    closing = _QUOTE_PAIRS.get(stripped[:1])
    if closing is not None and len(stripped) > 1 and stripped.endswith(closing):
        stripped = _strip_invisible(stripped[1:-1])
    return stripped


def _strip_invisible(text: str) -> str:
    start, end = 0, len(text)
    while start < end and is_invisible(text[start]):
        start += 1
    while end > start and is_invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def refuse_hidden(text: str) -> None:
    """Refuse whitespace or an invisible character inside a connection string, or a quote
    at one end of it that no quote at the other end matches.

    Raises :class:`~atlasconnect.ConnectionStringError` naming the character,
    where it is and where it likely came from.
    """
    position = next((i for i, c in enumerate(text) if is_invisible(c)), None)
    if position is not None:
        raise _hidden_character_error(text, position)
    if text[-1:] in _QUOTES:
        raise scheme_error(text)


class _Character(NamedTuple):
    """How people name a character, and where one usually comes from."""

    name: str
    origin: str


_LINE_BREAK = _Character(
    "a line break",
    "the string was split across lines when it was copied, or built from a piece read "
    "with its line break (a file, or a secret made with echo: use echo -n or printf '%s')",
)
_KNOWN_CHARACTERS = {
    "\n": _LINE_BREAK,
    "\r": _LINE_BREAK,
    "\t": _Character("a tab", "the string was copied from a table, a document or an editor"),
    " ": _Character(
        "a space",
        "the string was copied across a line break that became a space, or a password or "
        "option value holds a space that must be written %20",
    ),
    "\u00a0": _Character("a non-breaking space", "the string was copied from a web page"),
    "\ufeff": _Character(
        "a byte-order mark",
        "the string was saved by a Windows editor as 'UTF-8 with BOM': save it as UTF-8",
    ),
    "\u200b": _Character("a zero-width space", "the string was copied from a web page or a chat"),
}


def describe(character: str) -> str:
    """``a line break (U+000A)``: a name people know, and the code point to search for."""
    code = f"U+{ord(character):04X}"
    known = _KNOWN_CHARACTERS.get(character)
    if known is not None:
        return f"{known.name} ({code})"
    official = unicodedata.name(character, "").lower()
    kind = "a control character" if unicodedata.category(character) == "Cc" else "an invisible"
    return f"{kind} {official} ({code})" if official else f"{kind} character ({code})"


def _origin(character: str) -> str:
    known = _KNOWN_CHARACTERS.get(character)
    return known.origin if known else "the string was copied from a page, a chat or a document"


def _hidden_character_error(text: str, position: int) -> ConnectionStringError:
    character = text[position]
    return ConnectionStringError(
        f"The connection string holds {describe(character)} at character {position + 1} of "
        f"{len(text)}, {place_of(text, position)}.",
        why="a connection string holds no whitespace or invisible characters (RFC 3986), and "
        "pymongo reads them inconsistently: at one place it splits options at them, at "
        "another it keeps them in a value, so the string may not mean what it shows (an "
        "option read as true, a write concern named 'majority' with a line break).",
        fix=f"remove it: {_origin(character)}. A space that belongs to a password or an "
        "option value is written %20.",
        redacted_uri=None,
    )


def place_of(text: str, position: int) -> str:
    """Where in a connection string ``position`` is, in words that show no secret."""
    scheme = next((s for s in SCHEMES if text.startswith(s)), None)
    if scheme is None or position < len(scheme):
        return "before or in its scheme (mongodb:// or mongodb+srv://)"
    rest = text[len(scheme) :]
    offset = position - len(scheme)
    authority_end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    at = rest.rfind("@", 0, authority_end)
    if offset < authority_end:
        if at >= 0 and offset <= at:
            return "in the user name or password (not shown)"
        return "in the host list"
    question = rest.find("?")
    if question < 0 or offset < question:
        return "in the database name, after the hosts"
    start = rest.rfind("&", 0, offset) + 1 or question + 1
    start = max(start, rest.rfind(";", 0, offset) + 1, question + 1)
    name = rest[start:offset].partition("=")[0]
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,40}", name) and "=" in rest[start:offset]:
        return f"in the value of the option {name}"
    return "in the options"


def scheme_error(text: str) -> ConnectionStringError:
    """The explained error for a string that is no connection string: what it is instead.

    Only what cannot be a secret is shown: a variable name, a scheme, a host
    name; anything else is described, not quoted.
    """
    hidden = next((i for i, c in enumerate(text) if is_invisible(c)), None)
    visible = "".join(c for c in text if not is_invisible(c))
    if hidden is not None and visible.startswith(SCHEMES):  # hidden in the scheme
        return _hidden_character_error(text, hidden)
    found, fix = _what_it_starts_with(text)
    return ConnectionStringError(
        found,
        why="pymongo reads only connection strings that start with mongodb:// or "
        "mongodb+srv://; anything else is refused, or read as a host name that does not exist.",
        fix=fix,
        redacted_uri=None,
    )


# Patterns for strings that are no connection string: strings, compiled (and cached by re)
# at first use, so that a process whose strings are fine does not pay for them.
_VARIABLE = r"([A-Za-z_][A-Za-z0-9_]*)\s*="
_SCHEME = r"([A-Za-z][A-Za-z0-9+.-]{0,19}):/*"
_HOST = r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d{1,5})?/?"
_PLACEHOLDER = r"<[A-Za-z0-9 _-]{1,40}>"


def _what_it_starts_with(text: str) -> tuple[str, str]:
    if not text:
        return "The connection string is empty.", COPY_FIX
    variable = re.match(_VARIABLE, text)
    if variable and not text.lower().startswith(("mongodb:", "mongodb+srv:")):
        name = variable.group(1)
        return (
            f"The connection string starts with {name}=: the whole line of a .env file or a "
            "shell assignment was used as its value.",
            f"use only what follows {name}= (the value): load the file with a .env loader, "
            "or take the text after the '='.",
        )
    if text[0] in _QUOTES or text[-1] in _QUOTES:
        end = "starts" if text[0] in _QUOTES else "ends"
        quote = text[0] if end == "starts" else text[-1]
        return (
            f"The connection string {end} with a quote ({quote}) that no matching quote "
            f"{'ends' if end == 'starts' else 'starts'}.",
            "remove the quote: a quote is not part of the connection string. A .env file "
            "may hold the value in a pair of quotes, which are removed.",
        )
    placeholder = re.match(_PLACEHOLDER, text)
    if placeholder:
        return (
            f"The connection string is the placeholder {placeholder.group()} from a template "
            "or documentation, not replaced.",
            COPY_FIX,
        )
    scheme = re.match(_SCHEME, text)
    if scheme and "://" in text[: scheme.end()]:
        written = scheme.group(1)
        if written.lower() in ("mongodb", "mongodb+srv"):
            return (
                f"The connection string starts with {written}://: pymongo reads the scheme in "
                "lower case only.",
                f"write {written.lower()}:// in lower case.",
            )
        return (
            f"The connection string starts with {written}://, not mongodb:// or mongodb+srv://.",
            "write mongodb+srv:// (an Atlas cluster) or mongodb:// (servers named one by "
            f"one) in its place, or {COPY_FIX}",
        )
    if text.lower().startswith(("mongodb:", "mongodb+srv:")):
        written = text.split(":", 1)[0]
        return (
            f"The connection string starts with {written}: without the two slashes of "
            f"{written}://.",
            f"write {written.lower()}:// (two slashes).",
        )
    if re.fullmatch(_HOST, text):
        host = text.rstrip("/")
        return (
            f"The connection string is a host name alone ({host}), without mongodb+srv:// "
            "or mongodb:// and the user.",
            f"write mongodb+srv://USER:PASSWORD@{address.host_of(host)}/ for an Atlas cluster "
            f"(mongodb://USER:PASSWORD@{host}/?tls=true for one server), or {COPY_FIX}",
        )
    return (
        "The connection string does not start with mongodb:// or mongodb+srv:// (not shown: "
        "it may hold a password).",
        COPY_FIX,
    )


# The placeholders of the strings the Atlas UI shows: <db_password> since 2024, <password>
# before; some tutorials write <PASSWORD> or <dbuser>.
_ATLAS_PLACEHOLDER = r"(?i)<\s*(db_?)?(password|pass|pwd|username|user|dbuser|user_?name)\s*>"


def placeholder_error(userinfo: str, redacted_uri: str) -> ConnectionStringError | None:
    """The explained error when the user name or password is still Atlas's placeholder.

    ``<db_password>`` in place of the password (or the real password kept
    inside the angle brackets) reaches the server as it is, and the login is
    refused as a wrong password. A placeholder is named; a real password in
    brackets is not shown.
    """
    user, _, password = (unquote_plus(part) for part in userinfo.partition(":"))
    for part, value in (("user name", user), ("password", password)):
        if not (value.startswith("<") and value.endswith(">")):
            continue
        if re.fullmatch(_ATLAS_PLACEHOLDER, value):
            found = f"The {part} in the connection string is Atlas's placeholder {value}."
            fix = (
                f"replace {value}, angle brackets included, with the database user's {part} "
                "(Security > Database Access in Atlas; not your Atlas account's), "
                "percent-encoded with urllib.parse.quote_plus."
            )
        else:
            found = (
                f"The {part} in the connection string is wrapped in angle brackets (<...>), "
                f"as Atlas's placeholder was (not shown: it may be the real {part})."
            )
            fix = f"remove the angle brackets around the {part}; keep what was inside them."
        return ConnectionStringError(
            found,
            why="Atlas shows connection strings with placeholders in angle brackets; the "
            "server receives them as they are and refuses the login as a wrong user name or "
            "password ('bad auth : authentication failed'), which does not say why.",
            fix=fix,
            redacted_uri=redacted_uri,
        )
    return None
