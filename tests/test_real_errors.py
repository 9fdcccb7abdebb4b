"""explain() on real error texts that users posted in public threads.

Each record of ``tests/data/real_errors.json`` is one text, verbatim, with the
thread it came from, the pymongo exception the user saw, and the atlasconnect
class (and reason) it must be explained as. The text is rebuilt as that
exception, with no client attached, exactly what ``explain(exc)`` meets in
someone else's error handler.

Records today's classifier gets wrong are strict xfails, each with what is
missing: when the classifier learns it, the test passes, strict xfail fails,
and the mark must come off.
"""

from __future__ import annotations

import builtins
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Final

import pymongo.errors
import pytest

import atlasconnect
from atlasconnect._exceptions import family_of

DATA = Path(__file__).parent / "data" / "real_errors.json"
RECORDS: Final[list[dict[str, Any]]] = json.loads(DATA.read_text(encoding="utf-8"))

FAMILIES: Final = frozenset(family.value for family in atlasconnect.Family)
"""The closed list a record's ``family`` comes from: the code's own (one fact)."""

# Families with no real text in the data set yet, and why.
KNOWN_GAPS: Final[dict[str, str]] = {
    "quota": "the threads found for Atlas's 'you are over your space quota' are Node.js "
    "users'; the table row (atlasconnect/_tables/atlas_texts.json) names them",
}
_LOCALHOST_DEFAULT = (
    "localhost:27017 refused: a framework that fell back to pymongo's default address "
    "(the thread's cause) or no server running there; the text cannot tell, and explain() "
    "names the refusal first and the setting not read as the other candidate"
)
_TIMED_OUT_FIREWALL = (
    "a timeout alone cannot tell this network's firewall, the server's access list and a "
    "server that is down apart: explain() says timed out, and names the access list as the "
    "other candidate"
)

_EOF_IN_HANDSHAKE = (
    "the text alone ('EOF occurred in violation of protocol' during the handshake) cannot tell "
    "a TLS version or cipher mismatch from another server or middlebox closing: explain() says "
    "'closed' and names the mismatch among the candidates"
)
# What today's explain() gets wrong, by record id: the classifier work turns these green.
KNOWN_MISSES: Final = {
    "tgtlg-11": "the same text as atomate-635 (TLS off, confirmed there): explain() names TLS "
    "off first and the IP access list as the other candidate; the thread never says which",
    "pymongo-pr-791-eof": _EOF_IN_HANDSHAKE,
    "radical-pilot-2771": _EOF_IN_HANDSHAKE,
    "django-mongolog-82": "logging.config's ValueError, rebuilt without the pymongo error it was "
    "raised from: explain() reads a bare ValueError only for connection string and dnspython "
    "texts ('atlasconnect explain' reads the words and names no_primary)",
    "fame-33": "'not authorized on fame to execute command': the user lacks the role, or (the "
    "thread's cause) the client never logged in; explain() names the role first and the login "
    "as the other candidate",
    "djongo-479": _LOCALHOST_DEFAULT,
    "djongo-463": _LOCALHOST_DEFAULT,
    "MongoShake-107": "'admin:27017: Name or service not known': a user name taken for a host "
    "(the thread's cause: '/' in place of ':'), a container's name or a typo; explain() names "
    "the unknown host and both others as candidates",
    "radical.pilot-860": _TIMED_OUT_FIREWALL,
    "rag-semantic-kernel-mongodb-vcore-32": _TIMED_OUT_FIREWALL,
    "django-mongoengine-43": "'False is not a read preference': an old MongoEngine passing "
    "read_preference=False, which no table of removed names holds (it is a value of a live "
    "option)",
    "velociraptor-144": "an AutoReconnect in the middle of an operation is pymongo's to retry: "
    "explain() of the exception gives None by design ('atlasconnect explain' of the text "
    "names the reset)",
}


def rebuilt(record: dict[str, Any]) -> BaseException:
    """The exception the user saw, from its class name and text; no client behind it."""
    name = record["exception"]
    cls = getattr(pymongo.errors, name, None) or getattr(builtins, name)
    if issubclass(cls, pymongo.errors.OperationFailure):
        failure: BaseException = cls(record["text"], record.get("code"))
        return failure
    exception: BaseException = cls(record["text"])
    return exception


def _case(record: dict[str, Any]) -> Any:
    miss = KNOWN_MISSES.get(record["id"])
    marks = [pytest.mark.xfail(strict=True, reason=miss)] if miss else []
    return pytest.param(record, id=record["id"], marks=marks)


@pytest.mark.parametrize("record", [_case(record) for record in RECORDS])
def test_explain_names_the_cause_of_a_real_error(record: dict[str, Any]) -> None:
    explained = atlasconnect.explain(rebuilt(record))

    expected = getattr(atlasconnect, record["error"], None)
    assert expected is not None, f"atlasconnect has no {record['error']}"
    assert isinstance(explained, expected), f"{record['text']!r} -> {explained!r}"
    if "reason" in record:
        assert getattr(explained, "reason", None) == record["reason"]
    assert family_of(explained).value == record["family"]


def test_the_data_set_has_the_shape_the_issue_asks_for() -> None:
    ids = [record["id"] for record in RECORDS]
    assert len(RECORDS) >= 40
    assert len(ids) == len(set(ids)), "ids must be unique"
    for record in RECORDS:
        assert record["source"].startswith(("https://", "http://")), record["id"]
        assert record["family"] in FAMILIES, record["id"]
        assert record["text"].strip(), record["id"]
        assert getattr(pymongo.errors, record["exception"], None) or getattr(
            builtins, record["exception"], None
        ), record["id"]
    present = {record["family"] for record in RECORDS}
    assert present | KNOWN_GAPS.keys() == FAMILIES
    assert not present & KNOWN_GAPS.keys(), "a family with records is no longer a gap"


def test_every_known_miss_names_a_record() -> None:
    assert KNOWN_MISSES.keys() <= {record["id"] for record in RECORDS}


def test_the_docs_accuracy_table_is_what_the_data_says() -> None:
    text = (Path(__file__).parent.parent / "docs" / "errors.rst").read_text(encoding="utf-8")
    shown = dict(re.findall(r"^(\w+) +(\d+ of \d+)$", text, flags=re.MULTILINE))
    totals = Counter(record["family"] for record in RECORDS)
    named = Counter(record["family"] for record in RECORDS if record["id"] not in KNOWN_MISSES)
    assert shown == {family: f"{named[family]} of {totals[family]}" for family in totals}
    assert f"holds {len(RECORDS)} connection" in " ".join(text.split())
