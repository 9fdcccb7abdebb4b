"""Each failure family is one fact: the error classes carry it, everything else agrees.

The classes (``family``, ``reasons``), :class:`atlasconnect.Family` and
:class:`atlasconnect.Reason` are the one place. The command's exit statuses
and JSON are derived from them;
the doctor's JSON schema, the exit status tables of ``docs/doctor.rst``,
``docs/errors.rst`` and ``docs/quickstart.rst`` and the README's sentence are
written by hand and checked here, so that a family added, renamed or
renumbered in one place and not the others fails the suite.
"""

from __future__ import annotations

import copy
import inspect
import json
import pickle
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import atlasconnect
from atlasconnect import AtlasConnectError, Family, Reason, ServerUnreachableError
from atlasconnect import _cli as cli
from atlasconnect import _documents as documents
from atlasconnect import _exceptions as exceptions

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads(resources.files("atlasconnect").joinpath("doctor-schema.json").read_text())
# The doctor's statuses that are no failure family: all is well, a bug, argparse's
# usage error, no connection string to check, Ctrl-C and a closed output pipe.
NOT_FAMILIES = [
    (cli.EXIT_OK, "healthy"),
    (cli.EXIT_INTERNAL_ERROR, "internal_error"),
    (cli.EXIT_USAGE, "usage"),
    (cli.EXIT_NOTHING_CHECKED, "nothing_checked"),
    (cli.EXIT_INTERRUPTED, "interrupted"),
    (cli.EXIT_OUTPUT_CLOSED, "output_closed"),
]
# Of those, the statuses a JSON document can carry: not a closed pipe's, nobody reads it.
IN_JSON = [status for status, _ in NOT_FAMILIES if status != cli.EXIT_OUTPUT_CLOSED]

# One entry of a table's "errors" column: a class, optionally "with reason ``a`` or ``b``".
TABLE_ENTRY = re.compile(
    r"``(?P<name>\w+Error)``(?: with reason (?P<reasons>``\w+``(?:(?:,| or) ``\w+``)*))?"
)
TABLE_BORDER = re.compile(r"^=+( +=+)+$")


def exported_errors() -> list[type[AtlasConnectError]]:
    values = (getattr(atlasconnect, name) for name in atlasconnect.__all__)
    return [v for v in values if inspect.isclass(v) and issubclass(v, AtlasConnectError)]


def members_by_family() -> dict[str, set[tuple[str, str | None]]]:
    """Family name -> its (class name, reason or None) entries, read from the classes.

    The base class is left out: it is never raised itself.
    """
    members: dict[str, set[tuple[str, str | None]]] = {family.value: set() for family in Family}
    for cls in exported_errors():
        if cls is AtlasConnectError:
            continue
        members[cls.family.value].add((cls.__name__, None))
        for reason in cls.reasons:
            if reason.family is not cls.family:
                members[reason.family.value].add((cls.__name__, reason.value))
    return members


def status_table(path: Path) -> list[tuple[int, str, set[tuple[str, str | None]]]]:
    """(status, family, entries) of each row of the "status family errors" table in ``path``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["status", "family"])
    body = lines[
        header + 2 : next(i for i in range(header + 2, len(lines)) if TABLE_BORDER.match(lines[i]))
    ]
    rows: list[tuple[int, str, str]] = []
    for line in body:
        if line[:1].isdigit():
            status, family, errors = [*line.split(maxsplit=2), ""][:3]
            rows.append((int(status), family, errors))
        else:
            number, name, previous = rows[-1]
            rows[-1] = (number, name, f"{previous} {line.strip()}")
    return [(status, family, _entries(errors)) for status, family, errors in rows]


def _entries(errors: str) -> set[tuple[str, str | None]]:
    entries: set[tuple[str, str | None]] = set()
    for match in TABLE_ENTRY.finditer(errors):
        reasons = re.findall(r"``(\w+)``", match["reasons"] or "")
        entries.update((match["name"], reason) for reason in reasons or [None])
    return entries


def expected_rows() -> list[tuple[int, str, set[tuple[str, str | None]]]]:
    members = members_by_family()
    families = sorted(Family, key=lambda family: family.exit_status)
    return [(family.exit_status, family.value, members[family.value]) for family in families]


# The one place


def test_families_are_distinct_and_leave_room_for_the_usual_statuses() -> None:
    statuses = [family.exit_status for family in Family]
    assert len(set(statuses)) == len(statuses)
    assert len({family.value for family in Family}) == len(statuses)
    # 0 and 2 are taken (success, argparse); above 125 the shell reserves them.
    assert all(2 < status <= 125 for status in statuses)


def test_every_family_has_an_error() -> None:
    assert all(members_by_family().values()), members_by_family()


def test_the_environment_family_is_the_default() -> None:
    assert AtlasConnectError.family is Family.ENVIRONMENT


def test_a_run_time_form_has_its_own_family() -> None:
    # TLSVersionRefusedError is a TLSVersionUnsupportedError, but the server refused it.
    assert atlasconnect.TLSVersionUnsupportedError.family is Family.ENVIRONMENT
    assert atlasconnect.TLSVersionRefusedError.family is Family.TLS_VERSION


def unreachable(reason: str) -> ServerUnreachableError:
    return ServerUnreachableError(
        "No server could be used.",
        why="w",
        fix="f",
        server_errors={"h:27017": "closed"},
        reason=reason,
    )


@pytest.mark.parametrize(
    "reason",
    [r for r in ServerUnreachableError.reasons if r.family is not ServerUnreachableError.family],
    ids=str,
)
def test_a_reason_can_belong_to_another_family(reason: Reason) -> None:
    error = unreachable(reason.value)
    assert error.reason is reason
    assert exceptions.family_of(error) is reason.family
    for duplicate in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):  # noqa: S301
        assert exceptions.family_of(duplicate) is reason.family


def test_a_reason_of_no_other_family_keeps_the_class_family() -> None:
    assert exceptions.family_of(unreachable("timed_out")) is Family.UNREACHABLE


def test_the_reasons_are_a_closed_list() -> None:
    with pytest.raises(ValueError, match="not a reason"):
        unreachable("")
    with pytest.raises(ValueError, match="not a reason of ServerUnreachableError"):
        unreachable("expired")


def test_every_reason_belongs_to_a_class() -> None:
    """No reason is defined that no class can carry (no status that is never produced)."""
    carried = {reason for cls in exported_errors() for reason in cls.reasons}
    assert carried == set(Reason)


def test_family_survives_pickle() -> None:
    assert pickle.loads(pickle.dumps(Family.NO_PRIMARY)) is Family.NO_PRIMARY  # noqa: S301


# Derived: the command


@pytest.mark.parametrize("cls", exported_errors(), ids=lambda cls: cls.__name__)
def test_the_json_error_is_the_class_family(cls: type[AtlasConnectError]) -> None:
    error = cls.__new__(cls)
    error.found, error.why, error.fix = "found", "why", "fix"
    document = documents.error_document(error)
    assert document is not None
    assert (document["family"], document["exit_code"]) == (cls.family.value, cls.family.exit_status)


def test_the_json_error_of_a_reason_is_the_reason_family() -> None:
    document = documents.error_document(unreachable("no_primary"))
    assert document is not None
    assert (document["family"], document["exit_code"]) == ("no_primary", 18)


# Checked: the schema, the docs, the README


def test_the_schema_lists_every_family_and_no_other() -> None:
    error = SCHEMA["$defs"]["error"]["properties"]
    assert error["family"]["enum"] == [family.value for family in Family]
    assert error["exit_code"]["enum"] == [family.exit_status for family in Family]
    assert SCHEMA["properties"]["exit_code"]["enum"] == sorted(
        [*IN_JSON, *(family.exit_status for family in Family)]
    )


def test_the_doctor_reference_table_is_the_families() -> None:
    table = status_table(ROOT / "docs" / "doctor.rst")
    others = [(status, name) for status, name, _ in table if status not in families_statuses()]
    assert others == NOT_FAMILIES
    assert [row for row in table if row[0] in families_statuses()] == expected_rows()
    assert [status for status, _, _ in table] == sorted(status for status, _, _ in table)


def families_statuses() -> set[int]:
    return {family.exit_status for family in Family}


def test_the_error_reference_table_is_the_families() -> None:
    assert status_table(ROOT / "docs" / "errors.rst") == expected_rows()


def test_the_quickstart_table_has_every_status() -> None:
    lines = (ROOT / "docs" / "quickstart.rst").read_text(encoding="utf-8").splitlines()
    header = lines.index("status meaning")
    end = next(i for i in range(header + 2, len(lines)) if TABLE_BORDER.match(lines[i]))
    statuses = [int(line.split()[0]) for line in lines[header + 2 : end] if line[:1].isdigit()]
    expected = [status for status, _ in NOT_FAMILIES] + [f.exit_status for f in Family]
    assert statuses == sorted(expected)


def readme_exit_statuses() -> list[tuple[int, str]]:
    text = (ROOT / "README.rst").read_text(encoding="utf-8")
    match = re.search(r"Exit status: (?P<list>.*?)\.\n", text, re.DOTALL)
    assert match is not None, "README.rst no longer says 'Exit status: ...'"
    items = re.findall(r"(\d+) ([^,]+)", match["list"])
    return [(int(status), " ".join(words.split()).lower()) for status, words in items]


def test_the_readme_sentence_is_the_families() -> None:
    said = readme_exit_statuses()
    expected: list[tuple[int, Any]] = [*NOT_FAMILIES, *((f.exit_status, f) for f in Family)]
    expected.sort(key=lambda item: item[0])
    assert [status for status, _ in said] == [status for status, _ in expected]
    for (status, words), (_, family) in zip(said, expected, strict=True):
        name = (family if isinstance(family, str) else family.value).replace("_", " ")
        assert words.startswith(name), f"README.rst says {status} is {words!r}, not {name!r}"
