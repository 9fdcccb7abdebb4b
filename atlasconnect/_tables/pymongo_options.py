"""Options, methods and classes pymongo removed or renamed, with what replaced them.

Sources, all in the mongodb/mongo-python-driver repository:

- ``doc/migrate-to-pymongo4.rst`` at tag 4.13.0 (commit
  d802d76b522c691b75cfaf0bae94949e6653998b; the file was moved out of the
  repository in 2025), and the "Changes in Version 4.0" section of
  ``doc/changelog.rst`` at commit ebc4bffcc842464e48a3edbd04802d1a42bc818a: every
  removal of pymongo 4.0 a program or a connection string can name.
- ``doc/migrate-to-pymongo3.rst`` as it was before its removal (commit
  e655b0bb9940904dcbc4e6f7fc18a79262dd6ffc) and the "Changes in Version 3.0" section
  of ``doc/changelog.rst``: the removals of pymongo 3.0.
- The same changelog from 4.1 to 4.18: the one later removal a program can name is
  the MONGODB-CR login mechanism (4.11). (Support for Eventlet, 4.16, and for
  pyOpenSSL in the asynchronous API, 4.12, have no name to look up.)

Left out: BSON and GridFS details that do not name an option or a method of a
client (``SON.items()`` returning a view, JSON defaults, ``__slots__``), and
attributes whose name is also a valid keyword today (``tz_aware``,
``document_class``, ``host``, ``port``: only the attribute went).

Checked against pymongo 4.13.0 and 4.20.1 (``tests/test_tables.py``): no removed
option is a valid option of the installed pymongo, except ``waitQueueMultiple``,
which the 4.0 guide calls removed but which both releases still accept and ignore
(``still_accepted``); every replacement is a valid option, or a class, method or
attribute that exists.

:func:`valid_options` reads pymongo's own option names at run time;
:func:`closest` suggests one for a misspelled name; :func:`removed` finds the row
of a removed name in any letter case.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from . import load
from . import row as _row

__all__ = ["REMOVED", "Removed", "closest", "removed", "valid_options"]

Kind = Literal["option", "method", "attribute", "parameter", "class", "exception", "value"]


class Removed(NamedTuple):
    """One name pymongo removed."""

    name: str
    """The name as pymongo's documentation spelled it."""
    kind: Kind
    """``option``: a MongoClient keyword or connection string option; ``parameter``: an
    argument of a method; ``value``: a value of an option."""
    where: tuple[str, ...]
    """Where it was: ``MongoClient``, ``Collection.find``..."""
    removed_in: str
    """The pymongo version that removed it."""
    replacement: tuple[str, ...]
    """What replaces it: option names, or ``Class.method`` of pymongo; empty when nothing does."""
    meaning: str
    fix: str
    still_accepted: bool = False
    """True when the installed pymongo still accepts the name (and ignores it)."""


REMOVED: dict[str, Removed] = {
    row.name.lower(): row for row in (_row(Removed, r) for r in load("pymongo_removed"))
}


def removed(name: str) -> Removed | None:
    """The row of a removed option, method or class ``name``, in any letter case."""
    return REMOVED.get(name.strip().lower())


# How pymongo's documentation writes the options, for suggestions: pymongo compares
# option names in lower case, and knows only that form.
_SPELLINGS: tuple[str, ...] = tuple(load("pymongo_spellings"))


def valid_options() -> dict[str, str]:
    """pymongo's option names, read from the installed pymongo: lower case -> spelling.

    The URI options (``URI_OPTIONS_VALIDATOR_MAP``), the keyword-only ones
    (``KW_VALIDATORS``) and their aliases (``URI_OPTIONS_ALIAS_MAP``: ``ssl``).
    """
    from pymongo import common

    names = set(common.URI_OPTIONS_VALIDATOR_MAP) | set(common.KW_VALIDATORS)
    for aliases in common.URI_OPTIONS_ALIAS_MAP.values():
        names.update(aliases)
    spelled = {spelling.lower(): spelling for spelling in _SPELLINGS}
    return {name.lower(): spelled.get(name.lower(), name) for name in names}


def closest(name: str) -> str | None:
    """The valid option closest to ``name`` (letter case ignored), or None if none is close."""
    import difflib

    options = valid_options()
    matches = difflib.get_close_matches(name.strip().lower(), list(options), n=1, cutoff=0.6)
    return options[matches[0]] if matches else None
