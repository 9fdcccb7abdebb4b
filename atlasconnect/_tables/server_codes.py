"""MongoDB server error codes a connection, a login or a first command can meet.

Sources:

- ``CODES``: ``src/mongo/base/error_codes.yml`` of the mongodb/mongo repository at
  commit 007ba93486927dc7162c9b0f9d719e86b87fd8fe (read whole, 37,098 characters):
  every code of the groups below, with its name and its ``categories`` exactly as
  the file spells them. Codes are stable across server versions: a code is never
  reused, only marked ``OBSOLETE_``, so the names hold for the MongoDB 4.4 to 8.x
  servers Atlas runs. Groups: authentication, authorization, the ``NotPrimaryError``
  and ``ShutdownError`` categories and the rest of the replication states, the
  server's own network errors, time limits, quotas and limits, wire protocol and
  Stable API compatibility, and the options a first command can get wrong.
- Three codes pymongo names that the file does not: 8000 (``AtlasError``, the
  ``codeName`` Atlas's proxy answers with; the file reserves 4000-8999), and
  16547 and 16548, the legacy assertion codes of ``pymongo.common.UNAUTHORIZED_CODES``.
  Their ``source`` says so.
- ``ATLAS_TEXTS``: the texts Atlas's proxy sends with code 8000, each with the
  public issue thread it was read in (``url``).
- ``PYMONGO_TEXTS``: pymongo's own words when a server is too old or too new for
  it, or cannot run what it was asked: ``pymongo/topology_description.py``,
  ``pymongo/synchronous/mongo_client.py`` and ``client_session.py`` of
  mongodb/mongo-python-driver at commit ebc4bffcc842464e48a3edbd04802d1a42bc818a
  (the same texts at tag 3.13.0, commit f30e40a0a1fa55dc291514bdfed34b06eeaa0f73).

Checked against pymongo 4.13.0 and 4.20.1: every code of their
``helpers_shared._NOT_PRIMARY_CODES``, ``_SHUTDOWN_CODES``, ``_RETRYABLE_ERROR_CODES``,
``client_session_shared._UNKNOWN_COMMIT_ERROR_CODES``, ``common.UNAUTHORIZED_CODES``,
``common.COMMAND_NOT_FOUND_CODES`` and the single codes ``_AUTHENTICATION_FAILURE_CODE``
and ``_REAUTHENTICATION_REQUIRED_CODE`` is a row (``tests/test_tables.py``). The
cursor codes of ``cursor_shared._CURSOR_CLOSED_ERRORS`` are left out: they end a
cursor, not a connection.

``family`` is atlasconnect's word for what to do about a code: ``authentication``
(the login was refused), ``authorization`` (the user is known but lacks a role),
``no_primary`` (the member is not, or no longer, the primary), ``unreachable`` (a
network failure, inside the cluster or to it), ``configuration`` (an option or a
command is wrong), ``compatibility`` (driver and server versions do not fit),
``quota`` (a limit of the cluster or its tier) and ``server_state`` (the server is
busy, shutting down or in a state that passes).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from . import load
from . import row as _row

__all__ = [
    "ATLAS_TEXTS",
    "CODES",
    "PYMONGO_TEXTS",
    "AtlasText",
    "PymongoText",
    "ServerCode",
    "atlas_text",
]

ServerFamily = Literal[
    "authentication",
    "authorization",
    "no_primary",
    "unreachable",
    "configuration",
    "compatibility",
    "quota",
    "server_state",
]


class ServerCode(NamedTuple):
    """One error code, as the server sends it in ``code`` and ``codeName``."""

    code: int
    name: str | None
    """The name as ``error_codes.yml`` spells it (the ``codeName``); None when none names it."""
    categories: tuple[str, ...]
    """The ``categories`` of ``error_codes.yml``, in its order."""
    family: ServerFamily
    meaning: str
    fix: str
    source: Literal["error_codes.yml", "atlas", "pymongo"] = "error_codes.yml"


CODES: dict[int, ServerCode] = {
    row.code: row for row in (_row(ServerCode, r) for r in load("server_codes"))
}


class AtlasText(NamedTuple):
    """A text Atlas's proxy sends with code 8000 (``AtlasError``)."""

    words: tuple[str, ...]
    """Words that are all in the text (lower case), in the order they come."""
    family: ServerFamily
    meaning: str
    fix: str
    url: str
    """Where the text was read: a public issue thread that quotes it."""


ATLAS_TEXTS: tuple[AtlasText, ...] = tuple(_row(AtlasText, r) for r in load("atlas_texts"))


def atlas_text(message: str) -> AtlasText | None:
    """The row of ``ATLAS_TEXTS`` whose words are all in ``message``, in order; the first wins."""
    lowered = message.lower()
    for row in ATLAS_TEXTS:
        position = 0
        for word in row.words:
            position = lowered.find(word, position)
            if position < 0:
                break
            position += len(word)
        else:
            return row
    return None


class PymongoText(NamedTuple):
    """Words pymongo itself raises when a server cannot serve it."""

    words: tuple[str, ...]
    family: ServerFamily
    meaning: str
    fix: str


PYMONGO_TEXTS: tuple[PymongoText, ...] = tuple(_row(PymongoText, r) for r in load("pymongo_texts"))
