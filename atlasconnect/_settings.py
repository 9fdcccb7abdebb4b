"""A setting as the caller wrote it: where, and which of two pymongo will use.

A TLS setting can be written in the connection string (``?tlsCAFile=...``) or
as a keyword (``connect(uri, tlsCAFile=...)``); pymongo uses the keyword when
both are given. An explanation names the place the setting is to be changed
in: :class:`Place`, whose phrase is the one way a message says it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, NamedTuple


class Place(enum.Enum):
    """Where the caller wrote a setting; its value is how a message names the place."""

    URI = "the connection string"
    KEYWORDS = "the keywords"

    @property
    def phrase(self) -> str:
        return str(self.value)


class Option(NamedTuple):
    """An option as the caller wrote it, and where."""

    name: str
    value: str
    place: Place


def chosen_option(
    key: str, uri_options: Mapping[str, Any], keywords: Mapping[str, Any]
) -> Option | None:
    """The option ``key`` (lower case) that pymongo will use: a keyword wins over the URI."""
    for place, options in ((Place.KEYWORDS, keywords), (Place.URI, uri_options)):
        for name, value in options.items():
            if name.lower() == key and value:
                return Option(name, str(value), place)
    return None
