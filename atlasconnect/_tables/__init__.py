"""The tables ``explain()`` reads to explain the texts users paste.

Each module holds one table, built from the complete list its subject comes
from (MongoDB's error codes, OpenSSL's verification errors and TLS alerts,
pymongo's removed options, dnspython's exceptions, the errno values of a TCP
connection, pymongo's server types), and says in its docstring where that list
was read and which versions it was checked against. Each module is the
code of its table: the named tuple of a row, its source, a small look-up
helper; the rows are data beside it, in a JSON file of the same package, read
when the module is imported, which happens only when an error is explained.

Every row's ``meaning`` and ``fix`` are written for a MongoDB Atlas user: the
meaning in plain words, the fix as a place in the Atlas UI, an option or a
command. ``tests/test_tables.py`` checks each table against what the running
libraries say where they can.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from importlib import resources
from typing import Any, TypeVar

_Row = TypeVar("_Row")


@functools.cache
def load(name: str) -> list[Any]:
    """The rows of the table ``name`` (``<name>.json`` beside this module), as JSON reads them."""
    rows: list[Any] = json.loads(
        resources.files(__name__).joinpath(f"{name}.json").read_text("utf-8")
    )
    return rows


def row(cls: Callable[..., _Row], data: dict[str, Any], **nested: Callable[..., Any]) -> _Row:
    """``cls`` from the JSON object ``data``: lists become tuples (rows are immutable), and a
    field named in ``nested`` a tuple of that named tuple."""
    values = {
        name: tuple(nested[name](**item) for item in value)
        if name in nested
        else tuple(value)
        if isinstance(value, list)
        else value
        for name, value in data.items()
    }
    return cls(**values)
