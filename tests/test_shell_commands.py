"""Commands in fixes are safe to paste, whatever the input held.

A fix's commands (between backquotes) embed values taken from input: a host
name from a connection string or from a pasted error text, a port, the path of
this interpreter. Each command here is pasted into a real ``bash -c`` whose
``PATH`` holds only stub programs (see ``shell.py``): it must run the program it
names with the words it shows, and nothing else. A value that cannot stand in a
command safely (a host name that is not one) leaves the command out, or puts a
placeholder in its place.
"""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymongo.errors import OperationFailure
from shell import BASH, StubShell, assert_runs_only_what_it_says, commands_in

import atlasconnect
from atlasconnect import AtlasConnectError
from atlasconnect import _doctor as doctor
from atlasconnect import _shell as shell_words
from atlasconnect._pasted import explain_text

pytestmark = pytest.mark.skipif(BASH is None, reason="needs bash")


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> StubShell:
    return StubShell(tmp_path_factory.mktemp("shell"))


def assert_safe(shell: StubShell, *errors: AtlasConnectError | None) -> None:
    assert any(error is not None for error in errors)
    for command in commands_in(*errors):
        assert_runs_only_what_it_says(shell, command)


# The words: what may stand in a command, and how.

HOSTS = [
    "cluster0-shard-00-00.abcde.mongodb.net",
    "localhost",
    "db_1.internal",
    "_mongodb._tcp.cluster0.abcde.mongodb.net",
    "cluster0.abcde.mongodb.net.",
    "127.0.0.1",
    "::1",
    "2001:db8::27",
    "fe80::1%eth0",
    "a" * 63 + ".example",
]
NOT_HOSTS = [
    "",
    "-x.example",  # an option to nslookup
    "x-.example",
    "a..b",
    ".a",
    "a b",
    "$(canary)",
    "a`canary`",
    "a'b",
    "a;b",
    "[::1]",
    "fe80::1%$(canary)",
    "bücher.example",
    "a" * 64 + ".example",
    ".".join(["a" * 63] * 4),  # 255 characters
    "db.example.net\n",
    "<shard-host-1>",
]


@pytest.mark.parametrize("host", HOSTS)
def test_a_host_name_or_address_is_a_word_as_it_is(host: str) -> None:
    assert shell_words.host(host) == host


@pytest.mark.parametrize("value", NOT_HOSTS)
def test_anything_else_is_no_host(value: str) -> None:
    assert shell_words.host(value) is None


@given(st.text())
def test_a_host_word_needs_no_quoting_anywhere(value: str) -> None:
    word = shell_words.host(value)
    if word is not None:
        assert re.fullmatch(r"[A-Za-z0-9_.:%-]+", word)
        assert not word.startswith("-")
        assert shlex.quote(word) == word


@pytest.mark.parametrize(
    ("value", "port"),
    [("27017", "27017"), ("027017", "27017"), (27018, "27018"), ("0", "0"), ("65535", "65535")],
)
def test_a_port_is_ascii_digits(value: str | int, port: str) -> None:
    assert shell_words.port(value) == port


@pytest.mark.parametrize("value", ["", "65536", "-1", "+1", "1 ", "\u0663", "0x10", "1;canary"])
def test_anything_else_is_no_port(value: str) -> None:
    assert shell_words.port(value) is None


@pytest.mark.parametrize(
    ("path", "word"),
    [
        ("/usr/bin/python3", "/usr/bin/python3"),
        ("/opt/My Python/bin/python3", "'/opt/My Python/bin/python3'"),
        ("/srv/$(canary)/python", "'/srv/$(canary)/python'"),
        ("/srv/it's/python", "'/srv/it'\"'\"'s/python'"),
        ("/home/josé/.venv/bin/python", "'/home/josé/.venv/bin/python'"),
    ],
)
def test_a_posix_path_is_quoted_by_shlex(path: str, word: str) -> None:
    assert shell_words.path(path, windows=False) == word


@pytest.mark.parametrize(
    "path", ["", "/srv/`canary`/python", "/srv/a\nb/python", "/srv/a!b/python", "/srv/a\\b"]
)
def test_a_posix_path_no_quoting_carries_is_none(path: str) -> None:
    assert shell_words.path(path, windows=False) is None


@given(st.text())
def test_a_quoted_posix_path_reads_back_as_it_was(value: str) -> None:
    word = shell_words.path(value, windows=False)
    if word is not None:
        assert shlex.split(word) == [value]
        assert "`" not in word
        assert word.isprintable()


@pytest.mark.parametrize(
    ("path", "word"),
    [
        ("C:\\Python312\\python.exe", "C:\\Python312\\python.exe"),
        (
            "C:\\Program Files\\Python312\\python.exe",
            '"C:\\Program Files\\Python312\\python.exe"',
        ),
        ("C:\\Users\\Jo & Al\\python.exe", '"C:\\Users\\Jo & Al\\python.exe"'),
    ],
)
def test_a_windows_path_is_in_double_quotes_when_it_needs_them(path: str, word: str) -> None:
    assert shell_words.path(path, windows=True) == word


@pytest.mark.parametrize(
    "path",
    [
        "C:\\Users\\%USERNAME%\\python.exe",  # cmd expands it inside double quotes
        "C:\\Users\\$(canary)\\python.exe",  # PowerShell does
        "C:\\Users\\a`$b\\python.exe",
        "C:\\Users\\a!b!\\python.exe",
        "C:\\Users\\\u201ca b\u201d\\python.exe",  # PowerShell's quotes too
        "C:\\My Folder\\",  # the backslash would escape the closing quote
    ],
)
def test_a_windows_path_cmd_or_powershell_would_expand_is_none(path: str) -> None:
    assert shell_words.path(path, windows=True) is None


def test_a_command_holds_words_and_refuses_what_would_end_it() -> None:
    word = shell_words.host("db0.example.net")
    assert word is not None
    assert shell_words.command("nslookup {host}", host=word) == "`nslookup db0.example.net`"
    with pytest.raises(ValueError, match="not a command"):
        shell_words.command("echo {x}", x=shell_words.Word("a`b"))


def test_prose_holds_no_command() -> None:
    assert shell_words.prose("a`canary`b\nc\x00") == "a\\x60canary\\x60b\\nc\\x00"


# The bug: a host name from a pasted text or a connection string ran a command.

PASTED = [
    "<$(canary)>:27017: [Errno 111] Connection refused",
    "<`canary`>:27017: timed out",
    "<x';canary;'>:27017: [Errno 111] Connection refused",
    "pymongo.errors.ServerSelectionTimeoutError: $(canary):27017: connection refused, "
    "Timeout: 30s, Topology Description: <TopologyDescription id: 1, topology_type: Unknown, "
    "servers: [<ServerDescription ('$(canary)', 27017) server_type: Unknown, rtt: None, "
    "error=AutoReconnect('$(canary):27017: [Errno 111] Connection refused')>]>",
    # A host name that closes the Python string literal of a python -c test.
    "<a'),__import__('os').system('canary'),('>:27017: [Errno 111] Connection refused",
    "SSL handshake failed: <$(canary)>:27017: _ssl.c:989: The handshake operation timed out",
    "<$(canary)>:27017: connection closed",
    "<$(canary)>:27017: [Errno -2] Name or service not known",
    # An error no table knows: its fix names the doctor with the connection string's variable.
    "pymongo.errors.ServerSelectionTimeoutError: <$(canary)>:27017: `canary` engine state "
    "0x7f unexpected, Timeout: 30s, Topology Description: <TopologyDescription ...>",
]


@pytest.mark.parametrize("text", PASTED)
def test_explaining_a_pasted_host_name_gives_commands_that_run_nothing_else(
    shell: StubShell, text: str
) -> None:
    assert_safe(shell, explain_text(text))


@pytest.mark.parametrize(
    "host", ["$(canary).invalid", "a`canary`b.invalid", "a;canary;b.invalid", "-x.invalid"]
)
def test_the_doctors_dns_failure_names_no_command_of_the_host(shell: StubShell, host: str) -> None:
    report = doctor.run(f"mongodb://{host}:27017/", timeout=2)
    assert report.error is not None
    assert_safe(shell, report.error)


def test_connect_to_a_hostile_host_name(shell: StubShell) -> None:
    with pytest.raises(AtlasConnectError) as info:
        atlasconnect.connect(
            "mongodb://$(canary).invalid:27017/", verify=True, serverSelectionTimeoutMS=2000
        )
    assert_safe(shell, info.value)


def test_a_user_name_with_backquotes_is_no_command(shell: StubShell) -> None:
    client = atlasconnect.connect("mongodb://a`canary`b:pw@localhost:1/", connect=False)
    client.close()
    error = atlasconnect.explain(OperationFailure("Authentication failed.", 18), client)
    assert error is not None
    assert "canary" in error.fix
    assert_safe(shell, error)


@pytest.fixture
def hostile_interpreter(shell: StubShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """This interpreter at a path that holds a command substitution, not on PATH."""
    path = tmp_path / "$(canary)" / "bin" / "python"
    shell.stub(path)
    monkeypatch.setattr(sys, "executable", str(path))
    monkeypatch.setenv("PATH", str(tmp_path / "elsewhere"))
    return str(path)


def test_the_interpreter_path_is_quoted(shell: StubShell, hostile_interpreter: str) -> None:
    errors: list[Any] = [
        explain_text("query() got an unexpected keyword argument 'lifetime'"),
        explain_text(
            "db0.example.net:27017: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
            "failed: unable to get local issuer certificate (_ssl.c:1006)"
        ),
    ]
    for error in errors:
        assert error is not None
        for command in commands_in(error):
            assert_runs_only_what_it_says(shell, command, (hostile_interpreter,))
