"""``atlasconnect explain``: the classifier from pasted text, on the real errors users posted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_real_errors import KNOWN_MISSES, RECORDS

from atlasconnect import _cli as cli

EXPLAINED = [record for record in RECORDS if record["id"] not in KNOWN_MISSES]


def explain(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    status = cli.main(["explain", "--json", *argv])
    return status, json.loads(capsys.readouterr().out)


def traceback_of(record: dict[str, Any]) -> str:
    """The record as the end of a pasted traceback, with a framework's wrapper after it."""
    module = "builtins" if record["exception"] in ("TypeError", "ValueError") else "pymongo.errors"
    message = record["text"]
    if "code" in record:  # how pymongo prints an OperationFailure
        message += (
            f", full error: {{'ok': 0, 'errmsg': {record['text']!r}, 'code': {record['code']}}}"
        )
    return (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/db.py", line 12, in connect\n'
        "    client.admin.command('ping')\n"
        f"{module}.{record['exception']}: {message}\n\n"
        "The above exception was the direct cause of the following exception:\n\n"
        "Traceback (most recent call last):\n"
        '  File "/srv/app/views.py", line 3, in index\n'
        "django.db.utils.DatabaseError\n"
    )


@pytest.mark.parametrize("record", EXPLAINED, ids=[record["id"] for record in EXPLAINED])
def test_a_pasted_traceback_is_explained_as_the_exception_itself(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    status, document = explain(traceback_of(record), capsys=capsys)
    assert document["recognised"] is True
    assert document["error"]["type"] == record["error"]
    assert document["error"]["family"] == record["family"]
    assert status == document["exit_code"] == document["error"]["exit_code"]


@pytest.mark.parametrize("record", EXPLAINED, ids=[record["id"] for record in EXPLAINED])
def test_a_bare_message_is_never_explained_wrongly(
    record: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the class, a message may go unrecognised, but never gets another cause."""
    status, document = explain(record["text"], capsys=capsys)
    if document["recognised"]:
        assert document["error"]["type"] == record["error"], record["text"]
    else:
        assert status == cli.EXIT_UNRECOGNISED


@pytest.mark.parametrize(
    "text",
    ["hello", "KeyError: 'name'", "pymongo.errors.DuplicateKeyError: E11000 duplicate key", ""],
)
def test_what_is_not_a_connection_failure_is_said_plainly(
    text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["explain", text]) == cli.EXIT_UNRECOGNISED
    out = capsys.readouterr().out
    assert "not a MongoDB connection failure atlasconnect recognises" in " ".join(out.split())
    command = 'atlasconnect doctor "$MONGODB_URI"'
    assert command in [line.strip() for line in out.splitlines()]  # a line of its own


def test_a_connection_string_in_the_text_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "pymongo.errors.ConfigurationError: mongodb+srv://app:Hunter2Secret@cluster0.abcde."
        "mongodb.net/: The resolution lifetime expired after 5.2 seconds"
    )
    assert cli.main(["explain", text]) == 12
    out = capsys.readouterr().out
    assert "Hunter2Secret" not in out
    assert "DNSResolutionError" in out


def test_the_text_can_come_from_a_file_or_a_pipe(tmp_path: Path) -> None:
    text = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired"
    pasted = tmp_path / "error.txt"
    pasted.write_text(text)
    command = [sys.executable, "-m", "atlasconnect", "explain"]
    for extra, stdin in (([], text), (["--file", str(pasted)], ""), (["--file", "-"], text)):
        result = subprocess.run(
            [*command, *extra], input=stdin, capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 14, result.stderr
        assert "CertificateVerificationError (certificate, exit status 14)" in result.stdout


def test_a_terminal_is_never_waited_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

        def read(self) -> str:
            raise AssertionError("explain waited for input on a terminal")

    monkeypatch.setattr(sys, "stdin", Terminal())
    with pytest.raises(SystemExit) as exited:
        cli.main(["explain"])
    assert exited.value.code == cli.EXIT_USAGE
    assert "pipe it in" in capsys.readouterr().err


def test_text_and_file_together_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["explain", "text", "--file", "error.txt"])
    assert exited.value.code == cli.EXIT_USAGE
    assert "not both" in capsys.readouterr().err


def test_the_docs_give_the_status_of_an_unrecognised_text() -> None:
    root = Path(__file__).parent.parent
    readme = " ".join((root / "README.rst").read_text(encoding="utf-8").split())
    errors = " ".join((root / "docs" / "errors.rst").read_text(encoding="utf-8").split())
    assert f"does not recognise it (exit status {cli.EXIT_UNRECOGNISED})" in readme
    assert f"or {cli.EXIT_UNRECOGNISED} when it recognises nothing" in errors
