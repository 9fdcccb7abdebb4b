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
import re
from collections.abc import Iterator

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
_EXCEPTION_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?([A-Z]\w*)(?::[ \t]?(.*))?$")
_URI = re.compile(r"mongodb(?:\+srv)?://[^\s'\"<>]+")
_CODE = re.compile(r"""(?:['"]?code['"]?\s*[:=]\s*|code\s+)(\d+)""", re.IGNORECASE)
_AUTHENTICATION = re.compile(r"authentication failed|bad auth", re.IGNORECASE)
_NO_SNI = re.compile(r"no SNI name sent", re.IGNORECASE)
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


def explain_text(text: str) -> AtlasConnectError | None:
    """The typed error that a pasted error message or traceback describes, or None.

    Never raises: a text that cannot be read gives None.
    """
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
    code = _code(message)
    if code is not None:
        yield OperationFailure(message, code)
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
            return _rebuilt(cls, "\n".join([first, *lines[index + 1 :]]).strip())
    return None


def _rebuilt(cls: type[BaseException], message: str) -> BaseException | None:
    """``cls`` made from ``message``, or None for a class that takes other arguments."""
    try:
        if issubclass(cls, OperationFailure):
            return cls(message, _code(message))
        return cls(message)
    except Exception:  # UnicodeDecodeError and the like: not a connection error's class
        return None


def _exception_class(name: str) -> type[BaseException] | None:
    found = getattr(pymongo.errors, name, None) or getattr(builtins, name, None)
    is_exception = isinstance(found, type) and issubclass(found, BaseException)
    return found if is_exception else None


def _code(message: str) -> int | None:
    """The server's error code a message quotes, else the one its words imply."""
    match = _CODE.search(message)
    if match is not None:
        return int(match.group(1))
    if _NO_SNI.search(message):
        return 8000  # Atlas's own error
    return 18 if _AUTHENTICATION.search(message) else None
