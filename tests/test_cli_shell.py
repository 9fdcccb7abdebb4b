"""The command under ordinary shell use: a closed pipe, Ctrl-C, and what ``--json`` promises.

Every test runs the real command in a child process (``python -m atlasconnect``)
with real pipes and real signals: what a shell does to it. Whatever happens,
stderr holds no traceback, the exit status is one the module docstring of
:mod:`atlasconnect._cli` documents, and with ``--json`` stdout holds one JSON
document.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from servers import SilentServer, refused_port
from test_doctor import SCHEMA

from atlasconnect import Family
from atlasconnect import _cli as cli

COMMAND = [sys.executable, "-m", "atlasconnect"]
# Buffered streams, as a shell gives them: PYTHONUNBUFFERED (set on some CI machines and
# in some containers) would hide what a closed pipe leaves in a buffer at exit.
ENV = {
    **{name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"},
    "NO_COLOR": "1",
    "PYTHONIOENCODING": "utf-8",
}
TEXT = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired"
SECRET = "Secr3tPw9"
DOCUMENTED = {
    cli.EXIT_OK,
    cli.EXIT_INTERNAL_ERROR,
    cli.EXIT_USAGE,
    cli.EXIT_UNRECOGNISED,
    cli.EXIT_NOTHING_CHECKED,
    cli.EXIT_INTERRUPTED,
    cli.EXIT_OUTPUT_CLOSED,
    *(family.exit_status for family in Family),
}


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "Exception ignored" not in stderr, stderr


@contextlib.contextmanager
def closed_pipe() -> Iterator[int]:
    """The writing end of a pipe whose reading end is already closed.

    What ``atlasconnect ... | head -1`` writes to once head has exited, without
    the race: every write to it fails with EPIPE.
    """
    read, write = os.pipe()
    os.close(read)
    try:
        yield write
    finally:
        os.close(write)


def closed_pipe_run(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the command with stdout a :func:`closed_pipe`."""
    with closed_pipe() as write:
        return subprocess.run(
            [*COMMAND, *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
            timeout=60,
            check=False,
        )


def refused_uri() -> str:
    return f"mongodb://app:{SECRET}@127.0.0.1:{refused_port()}/"


CLOSED_PIPE_CASES = {
    "environment report": [],
    "--help": ["--help"],
    "--version": ["--version"],
    "explain": ["explain", TEXT],
    "explain --json": ["explain", "--json", TEXT],
    "doctor": ["doctor", "URI", "--timeout", "0.5"],
    "doctor -v": ["doctor", "URI", "--timeout", "0.5", "-v"],
    "doctor --json": ["doctor", "URI", "--timeout", "0.5", "--json"],
}


@pytest.mark.parametrize("args", CLOSED_PIPE_CASES.values(), ids=CLOSED_PIPE_CASES.keys())
def test_output_into_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    args = [refused_uri() if arg == "URI" else arg for arg in args]
    result = closed_pipe_run(args)
    assert result.stderr == ""
    assert result.returncode == cli.EXIT_OUTPUT_CLOSED


def test_doctor_piped_into_head() -> None:
    """The real pipeline: head takes its line and exits while the doctor still writes."""
    script = '"$@" | head -1; echo "status ${PIPESTATUS[0]}" >&2'  # the doctor's own status
    result = subprocess.run(
        ["bash", "-c", script, "bash", *COMMAND, "doctor", refused_uri(), "-v", "--timeout", "0.5"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
        check=False,
    )
    assert result.stdout.startswith("atlasconnect ")
    assert result.stdout.count("\n") == 1
    *said, status = result.stderr.splitlines()
    assert said == [], result.stderr
    # 141 once head has gone; 16 (unreachable) if the doctor wrote everything before.
    assert status in (f"status {cli.EXIT_OUTPUT_CLOSED}", "status 16")


def wait_for(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_ctrl_c_while_the_doctor_waits_on_the_network(as_json: bool) -> None:
    with SilentServer() as silent:
        uri = f"mongodb://app:{SECRET}@127.0.0.1:{silent.port}/?tls=true"
        child = subprocess.Popen(
            [*COMMAND, "doctor", uri, "--timeout", "30", *(["--json"] if as_json else [])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        try:
            # The TCP layer's connection, then the TLS layer's, which gets no answer.
            wait_for(lambda: silent.accepted >= 2)
            time.sleep(0.2)  # well inside the handshake's wait
            start = time.monotonic()
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=30)
            took = time.monotonic() - start
        finally:
            child.kill()
            child.wait()
    no_traceback(err)
    assert child.returncode == cli.EXIT_INTERRUPTED
    assert err.count("\n") == 1, err  # one line
    assert "interrupted (Ctrl-C)" in err
    assert took < 5, f"took {took:.1f} s to stop: it waited for the handshake"
    assert SECRET not in out + err
    if as_json:
        document = json.loads(out)
        jsonschema.validate(document, SCHEMA)
        assert document["exit_code"] == cli.EXIT_INTERRUPTED
        assert document["healthy"] is False
        assert "interrupted (Ctrl-C)" in document["verdict"]["summary"]
        # What finished before Ctrl-C is there; the step it interrupted is not.
        names = [layer["name"] for layer in document["layers"]]
        assert names == ["environment", "connection_string", "dns"]
        (host,) = document["hosts"]
        assert [layer["name"] for layer in host["layers"]] == ["tcp"]
    else:
        assert "[  ok] TCP" in out


# An unexpected error: a bug in atlasconnect, which a child process is given on purpose.
BROKEN = """
import sys
from atlasconnect import _cli

def broken(*args, **kwargs):
    raise RuntimeError("bug near mongodb://app:{secret}@h/ and {secret}")

_cli.{target} = broken
sys.exit(_cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    ("target", "args"),
    [
        ("doctor.run", ["doctor", "URI", "--json"]),
        ("doctor.run", ["doctor", "URI"]),
        ("explain_text", ["explain", "--json", TEXT]),
        ("explain_text", ["explain", TEXT]),
    ],
    ids=["doctor --json", "doctor", "explain --json", "explain"],
)
def test_an_unexpected_error_is_reported_not_raised(target: str, args: list[str]) -> None:
    code = BROKEN.format(secret=SECRET, target=target)
    args = [f"mongodb://app:{SECRET}@127.0.0.1:1/" if arg == "URI" else arg for arg in args]
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
        check=False,
    )
    no_traceback(result.stderr)
    assert result.returncode == cli.EXIT_INTERNAL_ERROR
    assert SECRET not in result.stdout + result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "internal error" in result.stderr
    assert "RuntimeError: bug near mongodb://app:****@h/ and ****" in result.stderr
    if "--json" in args:
        document = json.loads(result.stdout)
        assert document["exit_code"] == cli.EXIT_INTERNAL_ERROR
        if args[0] == "doctor":
            jsonschema.validate(document, SCHEMA)
            assert "internal error" in document["verdict"]["summary"]
        else:
            assert document["recognised"] is False
            assert "internal error" in document["summary"]


@pytest.mark.parametrize(
    "args",
    [
        ["doctor", "--json", "--timeout", "soon", "mongodb://h/"],
        ["doctor", "mongodb://h/", "--json", "--bogus"],
        ["explain", "--json", "--file", "/nonexistent/error.log"],
        ["explain", "--json", "text", "--file", "error.log"],
    ],
    ids=["doctor bad timeout", "doctor unknown option", "explain no file", "explain both"],
)
def test_a_usage_error_with_json_is_still_one_document(args: list[str]) -> None:
    result = subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, env=ENV, timeout=60, check=False
    )
    no_traceback(result.stderr)
    assert result.returncode == cli.EXIT_USAGE
    assert "error:" in result.stderr  # argparse's message, as without --json
    document = json.loads(result.stdout)
    assert document["exit_code"] == cli.EXIT_USAGE
    if args[0] == "doctor":
        jsonschema.validate(document, SCHEMA)
        assert document["verdict"]["summary"].startswith("usage error: ")
    else:
        assert document["summary"].startswith("usage error: ")


def test_the_documented_statuses_are_the_module_constants() -> None:
    doc = " ".join(str(cli.__doc__).split())
    for status in (
        cli.EXIT_INTERNAL_ERROR,
        cli.EXIT_USAGE,
        cli.EXIT_UNRECOGNISED,
        cli.EXIT_NOTHING_CHECKED,
        cli.EXIT_INTERRUPTED,
        cli.EXIT_OUTPUT_CLOSED,
    ):
        assert f"{status} " in doc
    assert cli.EXIT_INTERRUPTED == 128 + signal.SIGINT
    assert cli.EXIT_OUTPUT_CLOSED == 128 + signal.SIGPIPE
    assert all(0 <= status <= 255 for status in DOCUMENTED)


def strings_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [*value, *(s for item in value.values() for s in strings_of(item))]
    if isinstance(value, list):
        return [s for item in value for s in strings_of(item)]
    return []


@pytest.mark.parametrize("command", ["doctor", "explain"])
def test_json_has_no_lone_surrogate_whatever_argv_holds(command: str) -> None:
    """A byte that is not UTF-8 in argv reaches Python as a lone surrogate: the document
    shows it as the text does (\\udcff, a backslash and five characters), not as one."""
    argument = b"mongodb://app:pw@\xff.example.test:1/ certificate has expired"
    result = subprocess.run(
        [*COMMAND, command, argument.split()[0] if command == "doctor" else argument, "--json"],
        capture_output=True,
        env=ENV,
        timeout=60,
        check=False,
    )
    out = result.stdout.decode("utf-8")  # strict: the output is UTF-8
    no_traceback(result.stderr.decode("utf-8"))
    document = json.loads(out)
    for text in strings_of(document):  # RFC 8259 leaves an escaped lone surrogate undefined
        text.encode("utf-8")  # strict: fails on one
    assert document["exit_code"] == result.returncode
    if command == "doctor":
        jsonschema.validate(document, SCHEMA)
        assert document["uri"] == "mongodb://app:****@\\udcff.example.test:1/"


@pytest.mark.parametrize(
    ("args", "status", "closed"),
    [
        (["explain", TEXT], 14, "stdout"),
        (["explain", "--json", TEXT], 14, "both"),
        (["doctor", "URI", "--timeout", "0.5"], 16, "stdout"),
        (["doctor", "--json", "--timeout", "soon"], cli.EXIT_USAGE, "stdout"),
        (["doctor", "--json", "--timeout", "soon"], cli.EXIT_USAGE, "stderr"),
        ([], cli.EXIT_OK, "both"),
    ],
    ids=[
        "explain >&-",
        "explain --json >&- 2>&-",
        "doctor >&-",
        "doctor usage error >&-",
        "doctor usage error 2>&-",
        "environment report >&- 2>&-",
    ],
)
def test_a_stream_the_shell_closed(args: list[str], status: int, closed: str) -> None:
    """``>&-`` (``2>&-``): Python makes the stream None; what would go there goes nowhere,
    and the status is the run's own."""
    args = [refused_uri() if arg == "URI" else arg for arg in args]
    redirections = {"stdout": ">&-", "stderr": "2>&-", "both": ">&- 2>&-"}[closed]
    script = f'"$@" {redirections}; echo "status $?"'  # the redirections are the command's
    result = subprocess.run(
        ["bash", "-c", script, "bash", *COMMAND, *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
        check=False,
    )
    assert result.stdout.splitlines()[-1] == f"status {status}", result.stdout + result.stderr
    no_traceback(result.stderr)
    if closed == "stdout":
        assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    ("args", "status"),
    [(["explain"], cli.EXIT_USAGE), (["explain", "--file", "-"], cli.EXIT_UNRECOGNISED)],
    ids=["nothing to explain", "--file -"],
)
def test_standard_input_the_shell_closed(args: list[str], status: int) -> None:
    """``<&-``: no input. Without --file it is the usage error of a terminal (nothing piped
    in); ``--file -`` reads nothing, an empty text."""
    result = subprocess.run(
        ["bash", "-c", '"$@" <&-; echo "status $?"', "bash", *COMMAND, *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
        check=False,
    )
    assert result.stdout.splitlines()[-1] == f"status {status}", result.stdout + result.stderr
    no_traceback(result.stderr)
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "status"),
    [
        (["explain"], b"certificate has expired \xff", 14),  # the U+FFFD note on stderr
        (["doctor", "--timeout", "soon"], b"", cli.EXIT_USAGE),
        (["doctor", "URI", "--timeout", "0.5"], b"", 16),
    ],
    ids=["explain's note", "usage error", "doctor"],
)
def test_stderr_into_a_closed_pipe_changes_nothing(
    args: list[str], stdin: bytes, status: int
) -> None:
    """141 is stdout's: a note on stderr that cannot be written is no reason to stop."""
    args = [refused_uri() if arg == "URI" else arg for arg in args]
    with closed_pipe() as write:
        result = subprocess.run(
            [*COMMAND, *args],
            input=stdin,
            stdout=subprocess.PIPE,
            stderr=write,
            env=ENV,
            timeout=60,
            check=False,
        )
    assert result.returncode == status
