"""The text people read: ``atlasconnect doctor`` and ``explain`` on a terminal and in a pipe.

Widths are checked the way a terminal shows them: no line wider than the
terminal, except a command, which must stand whole on a line of its own. The
doctor runs against the loopback fixtures; ``explain`` over every real error
text. The waiting line and colour are checked on a real pseudo-terminal.
"""

from __future__ import annotations

import ast
import fcntl
import json
import keyword
import os
import re
import select
import shlex
import shutil
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import certifi
import jsonschema
import pytest
import trustme
from conftest import PASSWORD
from hypothesis import given
from hypothesis import strategies as st
from servers import MongoServer, ProxiedUri, SilentServer, SrvClusterFactory, server_context
from test_doctor import SCHEMA
from test_explain_cli import EXPLAINED, traceback_of
from test_real_errors import RECORDS
from test_shell_commands import PASTED as HOSTILE_TEXTS

from atlasconnect import __version__
from atlasconnect import _cli as cli
from atlasconnect import _doctor_text as doctor_text
from atlasconnect import _render as render
from atlasconnect._exceptions import AtlasConnectError
from atlasconnect._pasted import explain_text

WIDTH = 80
ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def commands_of(*errors: AtlasConnectError | None) -> set[str]:
    """The commands the texts of ``errors`` delimit, as they must appear: whole."""
    return {
        command.strip()
        for error in errors
        if error is not None
        for command in render.COMMAND.findall(f"{error.why} {error.fix}")
    }


def assert_fits(
    output: str, commands: set[str], width: int = WIDTH, *, wide_commands: bool = False
) -> None:
    """No line wider than ``width`` (with ``wide_commands``, but a whole command's own);
    every command on lines of its own that, pasted together, are the same command."""
    lines = ESCAPE.sub("", output).splitlines()
    for line in lines:
        wide_command = wide_commands and line.strip() in commands
        assert len(line) <= width or wide_command, f"{len(line)} columns: {line!r}"
    stripped = [line.strip() for line in lines]
    for command in commands:
        assert any(
            same_command(stripped[start:end], command)
            for start in range(len(stripped))
            for end in range(start + 1, min(start + 6, len(stripped)) + 1)
        ), f"the command is not whole on lines of its own: {command!r}"


def same_command(lines: list[str], command: str) -> bool:
    """Whether ``lines``, pasted into a shell, run ``command``: the same words, and for
    ``python -c`` the same program (a newline inside its brackets changes nothing)."""
    pasted = "\n".join(lines)
    if pasted == command:
        return True
    try:
        words, wanted = shlex.split(pasted), shlex.split(command)
    except ValueError:
        return False
    if len(lines) < 2 or words[:2] != ["python", "-c"] or words[:2] != wanted[:2]:
        return False
    return ast.dump(ast.parse(words[2])) == ast.dump(ast.parse(wanted[2]))


# block(): the layout rule itself, on any text.

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789", min_size=1, max_size=30)
COMMAND_TEXT = st.text(
    alphabet=st.characters(blacklist_characters="`\n\r", blacklist_categories=["Cs", "Cc"]),
    min_size=1,
    max_size=150,
).filter(lambda text: text.strip() != "")


@given(
    pieces=st.lists(st.tuples(st.lists(WORD, max_size=25), COMMAND_TEXT), max_size=4),
    tail=st.lists(WORD, max_size=25),
    width=st.integers(min_value=render.MIN_WIDTH, max_value=160),
)
def test_a_block_fits_its_width_and_keeps_commands_whole(
    pieces: list[tuple[list[str], str]], tail: list[str], width: int
) -> None:
    text = "".join(f"{' '.join(words)} `{command}` " for words, command in pieces)
    text += " ".join(tail)
    style = render.Style(width=width)
    indent = "    "
    lines = render.block(text, style, first="  How to fix it: ", indent=indent)
    commands = [command.strip() for _, command in pieces]
    assert_fits("\n".join(lines), set(commands), width, wide_commands=True)
    on_their_own = [
        line
        for line in lines
        if line.strip() in commands
        and (line.startswith(indent + render.COMMAND_INDENT) or not line.startswith(indent))
    ]
    assert [line.strip() for line in on_their_own] == commands  # whole, and in order
    prose = [line for line in lines if line not in on_their_own]
    said = " ".join(" ".join(prose).split()).removeprefix("How to fix it:").split()
    assert said == [word for words, _ in pieces for word in words] + tail


PATH_PART = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._", min_size=1, max_size=20)


@given(
    before=st.lists(WORD, max_size=12),
    path=st.lists(PATH_PART, min_size=1, max_size=12).map(lambda parts: "/" + "/".join(parts)),
    after=st.lists(WORD, max_size=12),
    width=st.integers(min_value=render.MIN_WIDTH, max_value=120),
    indent=st.integers(min_value=2, max_value=24),
)
def test_a_path_stays_whole_when_a_line_can_hold_it(
    before: list[str], path: str, after: list[str], width: int, indent: int
) -> None:
    text = " ".join([*before, path, *after])
    lines = render.block(text, render.Style(width=width), first="label ", indent=" " * indent)
    assert all(len(line) <= width for line in lines)
    if len(path) <= width - len(render.INDENT):
        assert any(path in line.split() for line in lines), lines
    assert " ".join(lines).split() == ["label", *text.split()] or len(path) > width - 2


NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
    lambda name: not keyword.iskeyword(name)
)
HOST = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.", min_size=1, max_size=60)


@st.composite
def python_commands(draw: st.DrawFn) -> str:
    """``python -c "..."`` commands like the fixes': nested calls, quoted host names."""
    calls = draw(st.lists(NAME, min_size=1, max_size=4))
    arguments = draw(st.lists(st.one_of(HOST.map(repr), st.integers(0, 65535).map(str))))
    code = f"{'('.join(calls)}({', '.join(arguments)}{')' * len(calls)}"
    return f'python -c "import socket; print({code})"'


@given(command=python_commands(), room=st.integers(min_value=20, max_value=120))
def test_a_wide_python_command_is_split_where_pasting_it_runs_the_same_program(
    command: str, room: int
) -> None:
    lines = render.command_lines(command, room)
    assert same_command(lines, command)
    if len(lines) > 1:
        assert len(lines[0]) <= room
        # Only the last line may be wider than its room: where no break point fits.
        assert all(len(line) <= room - len(render.COMMAND_INDENT) for line in lines[1:-1])


def test_a_command_too_wide_for_its_indent_moves_left_whole() -> None:
    # A virtualenv's python in a pip fix is as long as the path of the environment.
    command = "/home/ci/app/.tox/oldest/bin/python -m pip install --upgrade pymongo dnspython"
    lines = render.block(f"reinstall: `{command}`.", render.Style(width=80), indent="    ")
    assert f"{render.INDENT}{command}" in lines
    assert all(len(line) <= 80 for line in lines)


def test_a_command_other_than_python_c_stays_whole() -> None:
    command = "openssl s_client -connect " + "a" * 90 + ".mongodb.net:27017 -servername x"
    assert render.command_lines(command, 40) == [command]


# explain: every real error text, bare and as a traceback, with and without -v.


@pytest.mark.parametrize("verbose", [False, True], ids=["plain", "verbose"])
@pytest.mark.parametrize("record", RECORDS, ids=[record["id"] for record in RECORDS])
def test_explain_fits_80_columns_and_keeps_commands_whole(
    record: dict[str, Any],
    verbose: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    for text in (record["text"], traceback_of(record)):
        cli.main(["explain", text, *(["-v"] if verbose else [])])
        assert_fits(capsys.readouterr().out, commands_of(explain_text(text)))


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_explain_of_a_hostile_host_name_fits_80_columns(
    text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A host name that is not one (shell syntax, quotes) is shown, as text, and left out
    of the commands: the layout is the same."""
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    cli.main(["explain", text])
    assert_fits(capsys.readouterr().out, commands_of(explain_text(text)))


def test_an_interpreter_off_path_is_named_whole_at_the_left(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    """Run without its environment activated, the interpreter is named by its full path,
    which may be wider than any line: the command then stands whole, as far left as it
    goes, and only it is wider than the terminal."""
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", "/check/" + "deep/" * 12 + "bin/python")
    text = "query() got an unexpected keyword argument 'lifetime'"
    cli.main(["explain", text])
    out = capsys.readouterr().out
    command = f"{sys.executable} -m pip install --upgrade pymongo dnspython"
    assert f"\n{render.INDENT}{command}\n" in out
    assert_fits(out, {command}, wide_commands=True)


# Commands the user must run are delimited in the texts, so the renderer finds them.
SHELL_WORDS = re.compile(
    r"pip install|pip check|python -c|python -m|nslookup|curl |openssl version|date -u|timedatectl"
)


@pytest.mark.parametrize("record", EXPLAINED, ids=[record["id"] for record in EXPLAINED])
def test_every_command_in_a_fix_is_delimited(record: dict[str, Any]) -> None:
    error = explain_text(traceback_of(record))
    assert error is not None
    for text in (error.why, error.fix):
        outside = render.COMMAND.sub("", text)
        assert not SHELL_WORDS.search(outside), f"a command outside backquotes: {text!r}"


# The doctor, in-process against the loopback servers.

Doctor = Callable[..., tuple[int, str]]


@pytest.fixture
def run_doctor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Doctor:
    monkeypatch.setenv("COLUMNS", str(WIDTH))

    def run(*argv: str) -> tuple[int, str]:
        status = cli.main(["doctor", *argv, "--timeout", "2"])
        out = capsys.readouterr().out
        assert PASSWORD not in out
        assert quote_plus(PASSWORD) not in out
        return status, out

    return run


def doctor_commands(uri: str) -> set[str]:
    """The commands of every error a doctor run on ``uri`` can show."""
    from atlasconnect import _doctor as doctor

    report = doctor.run(uri, timeout=2)
    layers = [*report.layers, *(layer for host in report.hosts for layer in host.layers)]
    found = commands_of(report.error, *(layer.error for layer in layers))
    return found | {
        c.strip() for c in render.COMMAND.findall(" ".join(doctor_text.tls_evidence(report)))
    }


@pytest.fixture
def failing_uris(
    mongo: MongoServer,
    ca_file: str,
    other_ca_file: str,
    proxied_uri: ProxiedUri,
    expired_leaf: trustme.LeafCert,
    ca: trustme.CA,
) -> dict[str, str]:
    mismatched = ca.issue_cert("shard-00-00.elsewhere.example.test")
    return {
        "healthy": mongo.uri(tlsCAFile=ca_file),
        "untrusted": mongo.uri(tlsCAFile=other_ca_file),
        "wrong password": mongo.uri(tlsCAFile=ca_file).replace(quote_plus(PASSWORD), "wrong"),
        "expired": proxied_uri(server_context(expired_leaf), tlsCAFile=ca_file),
        "host name mismatch": proxied_uri(server_context(mismatched), tlsCAFile=ca_file),
        "unknown option": "mongodb://app:pw@localhost/?bogusOption=1",
        "does not resolve": "mongodb://nothere.invalid:27017/",
        "not a host name": "mongodb://a;canary;b.invalid:27017/",
    }


def test_doctor_fits_80_columns_and_keeps_commands_whole(
    failing_uris: dict[str, str], run_doctor: Doctor
) -> None:
    for uri in failing_uris.values():
        commands = doctor_commands(uri)
        for verbose in ([], ["-v"]):
            _, out = run_doctor(uri, *verbose)
            assert_fits(out, commands)


def test_doctor_on_an_srv_cluster_fits_80_columns(
    srv_cluster: SrvClusterFactory, ca_file: str, run_doctor: Doctor
) -> None:
    cluster = srv_cluster(name="cluster0.example.test")  # its hosts: the test certificate's
    uri = cluster.uri(tlsCAFile=ca_file)
    for verbose in ([], ["-v"]):
        status, out = run_doctor(uri, *verbose)
        assert status == cli.EXIT_OK, out
        assert_fits(out, set())


def test_columns_line_up_across_global_and_per_host_checks(
    failing_uris: dict[str, str], run_doctor: Doctor
) -> None:
    _, out = run_doctor(failing_uris["healthy"])
    lines = out.splitlines()
    environment = next(line for line in lines if line.startswith("[  ok] environment "))
    summary_column = len(environment) - len(environment[len("[  ok] environment") :].lstrip())
    per_host = re.compile(r"\[[ a-zA-Z]+\] (TCP|TLS|hello|login|ping) +(localhost:\d+) *(\S?)")
    beside, under = set(), set()
    for number, line in enumerate(lines):
        match = per_host.match(line)
        if match is None:
            continue
        assert match.start(2) == summary_column, line  # hosts where global summaries are
        if match.group(3):
            beside.add(match.start(3))
        else:  # no room beside the host: the summary goes under it
            following = lines[number + 1]
            under.add(len(following) - len(following.lstrip()))
    assert len(beside) + len(under) >= 1
    assert len(beside) <= 1, lines  # the summaries beside the hosts line up
    assert under <= {summary_column}, lines


def test_the_verdict_adds_why_and_fix_instead_of_repeating_the_failure(
    failing_uris: dict[str, str], run_doctor: Doctor
) -> None:
    status, out = run_doctor(failing_uris["wrong password"])
    assert status == 17
    words = " ".join(out.split())
    verdict = words[words.index("Verdict:") :]
    assert "The server refused the login of user" in words
    assert "The server refused" not in verdict
    assert "Why it matters: Atlas checks a database user" in verdict
    assert "How to fix it: check that the user" in verdict


def test_the_verdict_gives_the_found_text_when_no_failure_line_did(
    srv_cluster: SrvClusterFactory, ca_file: str, run_doctor: Doctor
) -> None:
    import ssl

    cluster = srv_cluster(
        name="cluster0.abcde.mongodb.net",
        sni_callback=lambda name: ssl.ALERT_DESCRIPTION_INTERNAL_ERROR,
    )
    status, out = run_doctor(cluster.uri(tlsCAFile=ca_file))
    assert status == 13
    verdict = " ".join(out[out.index("Verdict:") :].split())
    assert "Every host of the Atlas cluster" in verdict  # the hosts judged together
    assert "`" not in out  # commands are shown without their delimiters
    assert_fits(out, {"curl https://checkip.amazonaws.com"})


# No connection string: the environment only, and a status that says so.


@pytest.mark.parametrize(
    ("argv", "environment"),
    [([], {}), ([""], {}), ([], {"MONGODB_URI": ""}), ([""], {"MONGODB_URI": ""})],
    ids=["unset", "empty argument", "empty variable", "both empty"],
)
def test_no_connection_string_is_nothing_checked_not_healthy(
    argv: list[str],
    environment: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["doctor", *argv]) == cli.EXIT_NOTHING_CHECKED
    out = capsys.readouterr().out
    assert "healthy" not in out
    assert "Verdict: nothing checked" in out
    assert any(line.startswith("[  ok] environment ") for line in out.splitlines())
    assert cli.main(["doctor", *argv, "--json"]) == cli.EXIT_NOTHING_CHECKED
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, SCHEMA)
    assert document["exit_code"] == cli.EXIT_NOTHING_CHECKED
    assert document["healthy"] is False


def test_nothing_checked_is_none_of_the_other_statuses() -> None:
    from atlasconnect import Family

    others = {cli.EXIT_OK, cli.EXIT_USAGE, cli.EXIT_UNRECOGNISED}
    others |= {family.exit_status for family in Family}
    assert cli.EXIT_NOTHING_CHECKED not in others


def test_header_reads_as_a_sentence(failing_uris: dict[str, str], run_doctor: Doctor) -> None:
    for uri in ("", failing_uris["healthy"]):
        _, out = run_doctor(uri)
        header = out.split("\n[", 1)[0]
        sentence = " ".join(header.split())
        assert sentence.startswith(f"atlasconnect {__version__} doctor: ")
        assert sentence.endswith(".")


def test_help_names_seconds_and_the_environment_report(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--help"], ["doctor", "--help"]):
        with pytest.raises(SystemExit):
            cli.main(argv)
    out = " ".join(capsys.readouterr().out.split())
    assert "--timeout SECONDS" in out
    assert "Without a command, print the environment report" in out


# On a real terminal: the waiting line and colour.


def on_terminal(argv: list[str], env: dict[str, str], columns: int = WIDTH) -> tuple[int, str]:
    """Run ``atlasconnect *argv`` with a pseudo-terminal ``columns`` wide as its output."""
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")} | env
    child = subprocess.Popen(
        [sys.executable, "-m", "atlasconnect", *argv],
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        env=env,
    )
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if select.select([controller], [], [], 0.1)[0]:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
    finally:
        os.close(controller)
        status = child.wait(timeout=60)
    return status, output.decode()


def screen(output: str) -> list[str]:
    """What a terminal shows at the end: carriage returns, cursor up, erase below, text."""
    rows, row, col = [""], 0, 0
    for match in re.finditer(r"\x1b\[(\d*)([A-Za-z])|(\r)|(\n)|([^\x1b\r\n]+)", output):
        count, code, carriage_return, newline, text = match.groups()
        if code == "A":
            row -= int(count or 1)
        elif code == "J":
            rows[row] = rows[row][:col]
            del rows[row + 1 :]
        elif code == "K":
            rows[row] = rows[row][:col]
        elif carriage_return:
            col = 0
        elif newline:
            row += 1
            rows.extend([""] * (row + 1 - len(rows)))
        elif text:
            line = rows[row].ljust(col)
            rows[row] = line[:col] + text + line[col + len(text) :]
            col += len(text)
    return rows


def test_waiting_line_is_updated_in_place_from_1_s_and_absent_from_a_pipe(
    ca_file: str,
) -> None:
    """A server that accepts TCP and never answers TLS: the handshake waits its timeout."""
    with SilentServer() as silent:
        argv = ["doctor", f"mongodb://127.0.0.1:{silent.port}/", "--timeout", "1.4"]
        status, output = on_terminal(argv, {"TERM": "xterm"})
        waiting = f"... waiting for 127.0.0.1:{silent.port} TLS handshake: 1 s of at most 1.4 s"
        assert waiting in output  # shown from 1 s, not 2
        shown = screen(output)
        assert not any("waiting" in line for line in shown), shown  # erased once done
        assert any(line.startswith("[FAIL] TLS ") for line in shown)
        commands = set(re.findall(r"\x1b\[1m(.*?)\x1b\[0m", output))  # commands are bold
        assert commands
        assert_fits("\n".join(shown), commands)
        piped = subprocess.run(
            [sys.executable, "-m", "atlasconnect", *argv], capture_output=True, text=True
        )
    assert status == piped.returncode == 16
    assert "waiting" not in piped.stdout
    assert "\x1b" not in piped.stdout


@pytest.mark.parametrize(
    ("env", "colour"),
    [
        ({"TERM": "xterm"}, True),
        ({"TERM": "xterm", "NO_COLOR": ""}, False),  # set, to any value: even empty
        ({"TERM": "xterm", "NO_COLOR": "1"}, False),
        ({"TERM": "dumb"}, False),
    ],
    ids=["terminal", "NO_COLOR empty", "NO_COLOR=1", "TERM=dumb"],
)
def test_colour_only_on_a_terminal_that_wants_it(env: dict[str, str], colour: bool) -> None:
    environment = {"MONGODB_URI": ""} | env
    _, output = on_terminal(["doctor"], environment)
    assert ("\x1b[32m" in output) is colour, output


def test_the_environment_report_fits_80_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setattr(certifi, "where", lambda: "/opt/" + "deep/" * 20 + "cacert.pem")
    assert cli.main([]) in (cli.EXIT_OK, cli.EXIT_ENVIRONMENT)
    assert_fits(capsys.readouterr().out, set())


def test_the_environment_report_shows_paths_as_they_are(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fact is text: backquotes in this interpreter's path delimit no command there."""
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setattr(sys, "executable", "/opt/a`b`/bin/python")
    assert cli.main([]) in (cli.EXIT_OK, cli.EXIT_ENVIRONMENT)
    python = next(line for line in capsys.readouterr().out.splitlines() if "Python" in line)
    assert "(/opt/a`b`/bin/python)" in python


def test_a_ca_bundle_under_a_path_with_a_parenthesis(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, run_doctor: Doctor
) -> None:
    """C:\\Program Files (x86)\\...: the environment line names the bundle, not the path cut
    short at its " (", whatever the report's display text puts after the path."""
    bundle = tmp_path / "Program Files (x86)" / "certifi" / "cacert.pem"
    bundle.parent.mkdir(parents=True)
    shutil.copyfile(certifi.where(), bundle)
    monkeypatch.setattr(certifi, "where", lambda: str(bundle))
    status, out = run_doctor("")
    assert status == cli.EXIT_NOTHING_CHECKED
    environment = " ".join(out.split("[  ok] environment", 1)[1].split("\n\n")[0].split())
    assert environment.endswith(", CAs from certifi"), environment
    assert "Program Files" not in environment
