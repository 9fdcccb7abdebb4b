"""Escape sequences: only on a terminal that wants them, and never from what a user wrote.

Colour and the in-place waiting line use ANSI escape sequences. With
``TERM=dumb``, with ``NO_COLOR`` set, or when the output is not a terminal,
there are none at all: the waiting line, on a terminal, is then printed once as
a plain line. Control characters in a connection string or a pasted text (an
ESC that would clear the screen, a BEL) are shown escaped (``\\x1b``), on a
terminal or not. The doctor runs in a child process whose output is a real
pseudo-terminal (:mod:`pty`) or a pipe.
"""

from __future__ import annotations

import errno
import os
import pty
import select
import subprocess
import sys
import time

import pytest
from servers import SilentServer, refused_port

from atlasconnect import _render as render

COMMAND = [sys.executable, "-m", "atlasconnect"]
ESC = "\x1b"


def on_a_terminal(args: list[str], env: dict[str, str], seconds: float = 30) -> tuple[int, str]:
    """Run the command with stdout and stderr a pseudo-terminal; its status and output."""
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [*COMMAND, *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    output = b""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if not ready:
                if child.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError as exc:  # EIO: the child has closed the terminal
                if exc.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            output += chunk
        status = child.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        child.kill()
        child.wait()
        os.close(leader)
    return status, output.decode("utf-8", "replace")


def terminal_env(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    return {**env, "COLUMNS": "100", **variables}


@pytest.mark.parametrize(
    "variables",
    [{"TERM": "dumb"}, {"TERM": "xterm-256color", "NO_COLOR": "1"}],
    ids=["TERM=dumb", "NO_COLOR=1"],
)
def test_no_escape_sequence_on_a_terminal_that_wants_none(variables: dict[str, str]) -> None:
    with SilentServer() as silent:
        status, output = on_a_terminal(
            ["doctor", f"mongodb://127.0.0.1:{silent.port}/", "--timeout", "1.5"],
            terminal_env(**variables),
        )
    assert status == 16, output
    assert ESC not in output, repr(output)
    # The waiting line, once, as a plain line: what the doctor waits for, and how long at most.
    waiting = [line for line in output.splitlines() if "waiting for" in line]
    assert waiting == [f"... waiting for 127.0.0.1:{silent.port} TLS handshake, at most 1.5 s"], (
        output
    )


def test_a_terminal_that_wants_them_gets_colour_and_the_waiting_line_in_place() -> None:
    with SilentServer() as silent:
        status, output = on_a_terminal(
            ["doctor", f"mongodb://127.0.0.1:{silent.port}/", "--timeout", "1.5"],
            terminal_env(TERM="xterm-256color"),
        )
    assert status == 16
    assert f"[{ESC}[32m  ok{ESC}[0m]" in output  # colour
    assert f"... waiting for 127.0.0.1:{silent.port} TLS handshake: 1 s of at most 1.5 s" in output
    assert f"\r{ESC}[J" in output  # erased in place once the step ended


def test_the_explanation_on_a_dumb_terminal() -> None:
    status, output = on_a_terminal(
        ["explain", "certificate verify failed: certificate has expired"],
        terminal_env(TERM="dumb"),
    )
    assert status == 14
    assert "CertificateVerificationError" in output
    assert ESC not in output


CONTROL = "\x1b[2J\x1b]0;pwned\x07\x9b31m"  # clear screen, set title, BEL, CSI (C1)


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_control_characters_in_the_connection_string_are_shown_escaped(terminal: bool) -> None:
    uri = f"mongodb://app:pw@h{CONTROL}x.invalid:{refused_port()}/?appName=a\x1b[31m\x07"
    args = ["doctor", uri, "--timeout", "0.5"]
    if terminal:
        status, output = on_a_terminal(args, terminal_env(TERM="dumb"))
    else:
        result = subprocess.run(
            [*COMMAND, *args],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
            timeout=60,
            check=False,
        )
        status, output = result.returncode, result.stdout + result.stderr
    assert status in (11, 12), output
    for character in "\x1b\x07\x9b":
        assert character not in output, repr(output)
    # The connection string's rule names the character instead of showing the string.
    assert "U+001B" in output


def test_an_unknown_argument_with_control_characters() -> None:
    result = subprocess.run(
        [*COMMAND, "doctor", "mongodb://h/", f"extra{CONTROL}"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "unrecognized arguments: extra\\x1b[2J" in result.stderr
    assert ESC not in result.stderr


def test_printable_escapes_control_characters_only() -> None:
    assert render.printable("a\x1b[31mb\x07\x9b\x7f") == "a\\x1b[31mb\\x07\\x9b\\x7f"
    assert render.printable("tab\tnew\nline é ✓ \u202e") == "tab\tnew\nline é ✓ \u202e"
    style = render.Style(width=80, color=True)
    (line,) = render.block(f"found {ESC}[2J", style)
    assert line == "found \\x1b[2J"
