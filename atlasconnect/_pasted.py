"""Explaining an error from its text alone: a message or a traceback someone pasted.

A traceback names the exception it ended with (``pymongo.errors.
ServerSelectionTimeoutError: ...``): that exception is rebuilt from the text
and given to :func:`~atlasconnect._diagnosis.explain`, as if the program still
held it. A bare message names no class: it is tried as each pymongo class that
could carry it, but only where it holds a signal of that class (a TLS or
socket error of a server, a DNS or URI complaint, an authentication code, a
server that is not the primary, pymongo's words for a replica set), so
that a text that says nothing recognisable gets no confident explanation.
Connection strings in the text are redacted before anything else reads it.
"""

from __future__ import annotations

import builtins
import codecs
import re
from collections.abc import Iterator
from typing import NamedTuple

import pymongo.errors
from pymongo.errors import (
    AutoReconnect,
    ConfigurationError,
    InvalidURI,
    OperationFailure,
    ServerSelectionTimeoutError,
)

from . import _connection_string as connection_string
from . import _diagnosis as diagnosis
from ._exceptions import AtlasConnectError

# The last line of a traceback: "pymongo.errors.ServerSelectionTimeoutError: text".
# A space before the colon happens too ("TypeError : ..."), in logs that format it so.
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?([A-Z]\w*)(?:[ \t]*:[ \t]?(.*))?$")
# A connection string in a text, Atlas's <placeholders> included, up to a space, a quote or
# an angle bracket that closes nothing (a repr's "<MongoClient ...>").
_URI = re.compile(r"mongodb(?:\+srv)?://(?:[^\s'\"<>]|<[^\s'\"<>]*>)+")
# What DNS lookups and pymongo's option checks say (and its words for an authentication
# mechanism's missing package, MONGODB-OIDC's properties and a client certificate file it
# cannot load): a "timed out" alone is a server's.
_DNS_OR_OPTION = re.compile(
    r"DNS|_mongodb\._tcp|resolv|nameserver|NXDOMAIN|SERVFAIL|resolution lifetime|dnspython"
    r"|Unknown option|unexpected keyword argument|pymongo-auth-aws|kerberos|MONGODB-OIDC"
    r"|Private key doesn't match certificate",
    re.IGNORECASE,
)
_URI_COMPLAINT = re.compile(diagnosis.URI_COMPLAINT, re.IGNORECASE)


MAX_BYTES = 1 << 20
"""The most of a pasted text ``atlasconnect explain`` reads: 1 MiB.

More than any traceback, and about a second of reading; a longer file is read
from its end (where a log's last traceback is), a stream (standard input, a
device such as ``/dev/zero``) from its start, and no further.
"""

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-32", "utf-16-le", "utf-16-be")
"""The encodings :func:`decode` reads, by the names Python's codecs give them."""

# Byte order marks, longest first: UTF-32's little-endian one starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class Decoded(NamedTuple):
    """A pasted text, and how its bytes were read."""

    text: str
    encoding: str
    """One of :data:`ENCODINGS`."""
    replaced: bool
    """Whether some bytes could not be decoded and were read as U+FFFD."""


def decode(data: bytes) -> Decoded:
    """The text of ``data``, whatever its bytes: never raises.

    By its byte order mark when it has one (UTF-8, UTF-16 or UTF-32: Notepad
    and PowerShell 5's ``Out-File`` write them); as UTF-16 without one when
    every other byte is NUL (ASCII text in UTF-16); else as UTF-8, the bytes
    that are not read as U+FFFD. Not as Latin-1: U+FFFD leaves the UTF-8 parts
    of a mixed text as they are, where Latin-1 would garble them, and invents
    no character (Latin-1 reads 0x80-0x9F as control codes some terminals obey).
    The text has no lone surrogate, so strict UTF-8 (and JSON) can carry it.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decoded(data, encoding)
    guessed = _utf16_by_its_nuls(data)
    if guessed is not None:
        return _decoded(data, guessed)
    text = data.decode("utf-8", "surrogateescape")  # one surrogate per byte that is not UTF-8
    clean = _NOT_UTF8.sub("\ufffd", text)
    return Decoded(clean, "utf-8", clean != text)


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def byte_order_mark(data: bytes) -> bytes:
    """The byte order mark ``data`` starts with, or ``b""``."""
    return next((bom for bom, _ in _BOMS if data.startswith(bom)), b"")


def _decoded(data: bytes, encoding: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding, False)
    except UnicodeDecodeError:  # cut short, or a lone surrogate
        return Decoded(data.decode(encoding, "replace"), encoding, True)


def _utf16_by_its_nuls(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"-be"`` when NUL is at least half the odd (or even) bytes and
    hardly any of the others: what ASCII text in UTF-16 looks like, and no other text."""
    if len(data) < 4 or b"\0" not in data:
        return None
    even, odd = data[0::2], data[1::2]
    for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) * 2 >= len(zeros) and others.count(0) * 10 < len(others):
            return encoding
    return None


def explain_text(text: str) -> AtlasConnectError | None:
    """The typed error that a pasted error message or traceback describes, or None.

    Never raises: a text that cannot be read gives None.
    """
    placeholders = map(connection_string.placeholder_in, _URI.findall(text))
    placeholder = next(filter(None, placeholders), None)
    if placeholder is not None:  # whatever the server said, the string was never filled in
        return placeholder
    redacted = _URI.sub(lambda match: connection_string.redacted_form(match.group()), text)
    for exception in _exceptions_in(redacted):
        error = diagnosis.explain(exception)
        if error is not None:
            return error
    return None


def _exceptions_in(text: str) -> Iterator[BaseException]:
    """The exception the text names, rebuilt; then each class a bare message may be."""
    named = _named_exception(text)
    if named is not None:
        yield named
    if _names_a_class(text):
        return
    message = text.strip()
    if _DNS_OR_OPTION.search(message):
        yield ConfigurationError(message)  # DNS, dnspython, removed options
        yield TypeError(message)  # dnspython's API as this pymongo calls it
    code = diagnosis.code_in_text(message)
    if code is not None:
        yield OperationFailure(message, code)
    if diagnosis.names_a_removed_name(message):
        yield TypeError(message)  # a method, option, class or module pymongo removed
    if _URI_COMPLAINT.search(message):
        yield InvalidURI(message)
    if diagnosis.says_not_primary(message):
        yield AutoReconnect(message)  # a server's answer to an operation
    if (
        diagnosis.kind_of(message) is not diagnosis.Kind.OTHER
        or diagnosis.replica_set_problem_in_text(message) is not None
    ):
        yield ServerSelectionTimeoutError(message)


def _names_a_class(text: str) -> bool:
    return any(_exception_line(line) is not None for line in text.strip().splitlines())


def _exception_line(line: str) -> tuple[type[BaseException], str] | None:
    """The exception class a traceback line names, and the message after it."""
    match = _EXCEPTION_LINE.match(line.strip())
    cls = _exception_class(match.group(1)) if match else None
    return (cls, match.group(2) or "") if match and cls else None


def _named_exception(text: str) -> BaseException | None:
    """The exception a traceback ends with (its last line naming a class), rebuilt.

    A framework's wrapper (django.db.utils.DatabaseError) is neither pymongo's
    nor Python's: the search goes on up, to the exception it wraps.
    """
    lines = text.strip().splitlines()
    for index in range(len(lines) - 1, -1, -1):
        named = _exception_line(lines[index])
        if named is not None:
            cls, first = named
            rest = lines[index + 1 :]
            end = next((i for i, line in enumerate(rest) if _ENDS_A_MESSAGE.match(line)), None)
            return _rebuilt(cls, "\n".join([first, *rest[:end]]).strip())
    return None


# What follows a message in a traceback, not part of it: the next traceback of a chain.
_ENDS_A_MESSAGE = re.compile(
    r"(?:The above exception was the direct cause|During handling of the above exception"
    r"|Traceback \(most recent call last\))"
)


def _rebuilt(cls: type[BaseException], message: str) -> BaseException | None:
    """``cls`` made from ``message``, or None for a class that takes other arguments.

    A ``UserWarning`` is read as the ``ConfigurationError`` pymongo raises with the same
    words: it warns of an unknown option in a connection string (``Unknown option
    proxyHost``) where it refuses the same option given as a keyword.
    """
    if cls is UserWarning:
        cls = ConfigurationError
    try:
        if issubclass(cls, OperationFailure):
            return cls(message, diagnosis.code_in_text(message))
        return cls(message)
    except Exception:  # UnicodeDecodeError and the like: not a connection error's class
        return None


def _exception_class(name: str) -> type[BaseException] | None:
    found = getattr(pymongo.errors, name, None) or getattr(builtins, name, None)
    is_exception = isinstance(found, type) and issubclass(found, BaseException)
    return found if is_exception else None
