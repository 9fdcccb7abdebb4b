"""The compatibility family: pymongo and the server, or the code and pymongo, do not fit.

Two causes, each read from a table (:mod:`atlasconnect._tables`): a server whose
wire protocol this pymongo does not speak (pymongo's own words, with the
versions they name), and a name pymongo removed, which code or a framework
written for an older release still uses: an option (``Unknown option
ssl_cert_reqs``), a method (``'Collection' object is not callable. If you meant
to call the 'insert' method``), a class or a module. The table of removed names
gives the release that removed each and what replaced it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import _phrasing as phrasing
from .. import _shell as shell
from .._exceptions import CompatibilityError
from .._families import Reason

if TYPE_CHECKING:  # the table is imported when an error is explained, not before
    from .._tables.pymongo_options import Removed

_TOO_OLD = (
    r"reports wire version (\d+), but this version of PyMongo requires at least (\d+)"
    r"(?: \(MongoDB ([\d.]+)\))?"
)
_TOO_NEW = r"requires wire version (\d+), but this version of PyMongo only supports up to (\d+)"

_MODULE = r"No module named 'pymongo\.(\w+)'"
# How a removed name shows in the text of the error its use raises, first match wins:
# pymongo's "Unknown option", Python's for a keyword or a method that is gone (a
# Collection turns an unknown attribute into a sub-collection, which is not callable),
# and an import of a class or module that is gone.
_NAMED = (
    r"Unknown option:? ?'?(\w+)",
    r"unexpected keyword argument '(\w+)'",
    r"If you meant to call the '(\w+)' method",
    r"has no attribute '(\w+)'",
    r"cannot import name '(\w+)' from 'pymongo",
    _MODULE,
)


def names_a_removed_name(message: str) -> bool:
    """Whether ``message`` is in the words that name a removed option, method or module."""
    return any(re.search(pattern, message) for pattern in _NAMED[1:])


def explain_text(message: str) -> CompatibilityError | None:
    """The compatibility problem ``message`` (an error's text) names, if it names one."""
    return _server_version(message) or _removed_name(message)


def _server_version(message: str) -> CompatibilityError | None:
    too_old = re.search(_TOO_OLD, message)
    if too_old is not None:
        server, needed, release = too_old.groups()
        oldest = f"MongoDB {release}" if release else f"wire version {needed}"
        return CompatibilityError(
            f"The server speaks wire version {server}, older than this pymongo supports: it "
            f"needs at least {oldest}.",
            why="pymongo drops the MongoDB releases that reached end of life: a pymongo newer "
            "than the server cannot talk to it. Atlas itself runs only supported releases; a "
            "self-managed server, an emulator (Azure Cosmos DB's API for MongoDB, an old "
            "DocumentDB) or a container image pinned long ago can be older.",
            fix=f"upgrade the server to {oldest} or newer (Atlas: the cluster's Edit "
            "Configuration > Additional Settings > MongoDB version), or pin a pymongo that "
            "still speaks to it, in the releases before the one that needs it.",
            reason=Reason.SERVER_TOO_OLD,
        )
    too_new = re.search(_TOO_NEW, message)
    if too_new is not None:
        return CompatibilityError(
            f"The server needs wire version {too_new.group(1)}, newer than this pymongo "
            f"speaks (up to {too_new.group(2)}).",
            why="each MongoDB release may require a newer wire protocol than old pymongo "
            "releases know; Atlas upgrades clusters to new releases.",
            fix=f"upgrade pymongo: {phrasing.pip_install('--upgrade pymongo')}.",
            reason=Reason.SERVER_TOO_NEW,
        )
    return None


def _removed_name(message: str) -> CompatibilityError | None:
    from .._tables import pymongo_options

    for pattern in _NAMED:
        match = re.search(pattern, message)
        if match is None:
            continue
        name = match.group(1)
        if pattern == _MODULE:  # pymongo named each class's module after it
            row = pymongo_options.removed(_class_of_module(name))
            name = f"module pymongo.{name} (class {_class_of_module(name)})"
        else:
            row = pymongo_options.removed(name)
        if row is not None:
            return _removed(name, row)
    return None


_CHANGELOG = (
    "Every change is listed in pymongo's changelog: "
    "https://pymongo.readthedocs.io/en/stable/changelog.html"
)
_GUIDES = {
    "4.0": "Every change of pymongo 4 is listed in its migration guide: "
    "https://pymongo.readthedocs.io/en/stable/migrate-to-pymongo4.html"
}


_KIND_WORDS = {"parameter": "argument"}


def _class_of_module(module: str) -> str:
    """``mongo_replica_set_client`` -> ``MongoReplicaSetClient``: pymongo named each class
    module after its class."""
    return "".join(part.capitalize() for part in module.split("_"))


def _removed(name: str, row: Removed) -> CompatibilityError:
    replacement = ", ".join(row.replacement) if row.replacement else None
    what = "" if name.startswith("module ") else f"{_KIND_WORDS.get(row.kind, row.kind)} "
    return CompatibilityError(
        f"The code uses the {what}{shell.prose(name)}, which pymongo {row.removed_in} removed"
        + (f" (replaced by {shell.prose(replacement)})." if replacement else "."),
        why=f"{row.name} in older pymongo: {row.meaning} Code, a framework or a connection "
        f"string written for pymongo before {row.removed_in} still names it; the installed "
        "pymongo raises an error for it, or ignores it with a warning.",
        fix=f"{row.fix} {_GUIDES.get(row.removed_in, _CHANGELOG)}",
        reason=Reason.REMOVED_OPTION if row.kind in ("option", "value") else Reason.REMOVED_API,
        name=name,
        removed_in=row.removed_in,
        replacement=replacement,
    )
