"""A shell to paste commands into: real bash, with stub programs that record their runs.

A fix delimits each command between backquotes (:data:`atlasconnect._render.COMMAND`);
users paste it into a shell. :class:`StubShell` runs one such command with
``bash -c`` in an empty directory, ``PATH`` restricted to stub executables of
the programs fixes name (each records its argv and exits 0) and of a canary
(``canary``, ``touch``), and reports which programs ran, with which arguments.
:func:`assert_runs_only_what_it_says` is the property every fix command must
have: it runs the program it names, with the words it shows, and nothing else.
"""

from __future__ import annotations

import ast
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from atlasconnect import _render as render
from atlasconnect._exceptions import AtlasConnectError

BASH = shutil.which("bash")

PROGRAMS = (
    "python",
    "python3",
    "nslookup",
    "cat",
    "openssl",
    "curl",
    "date",
    "timedatectl",
    "pip",
    "pkg",
    "atlasconnect",
)
"""The programs a fix may name as a command's first word (besides this interpreter's path)."""
CANARIES = ("canary", "touch")
"""Programs hostile values try to run: no fix command may ever run them."""
CANARY_FILE = "CANARY"
"""What the ``canary`` stub creates in the working directory."""

_STUB = """#!/bin/sh
printf '%s\\0' "$0" "$@" > "$STUB_RUNS/$$"
"""
_CANARY_STUB = _STUB + f': > "$PWD/{CANARY_FILE}"\n'

# The command that writes /etc/resolv.conf (the no_resolver DNS fix): its text is
# constant, and it is not run here (noclobber would refuse it anyway).
RESOLV_CONF = "echo 'nameserver 1.1.1.1' > /etc/resolv.conf"
# The proxy fix's command: certifi's bundle, found by this interpreter, plus the
# corporate root, into a new file.
_BUNDLE = re.compile(r'cat "\$\((.+) -m certifi\)" corporate-root\.pem > ca-bundle\.pem')


def commands_in(*errors: AtlasConnectError | None) -> list[str]:
    """Every command the why, fix and cli_fix of ``errors`` delimit, as the renderer finds it."""
    return [
        command.strip()
        for error in errors
        if error is not None
        for text in (error.why, error.fix, error.cli_fix)
        for command in render.COMMAND.findall(text)
    ]


def commands_in_text(text: str) -> list[str]:
    return [command.strip() for command in render.COMMAND.findall(text)]


class StubShell:
    """bash in an empty directory, with only stub programs on ``PATH``."""

    def __init__(self, root: Path) -> None:
        self.bin = root / "bin"
        self.runs = root / "runs"
        self.work = root / "work"
        for directory in (self.bin, self.runs, self.work):
            directory.mkdir(parents=True, exist_ok=True)
        for name in PROGRAMS:
            self.stub(self.bin / name)
        for name in CANARIES:
            self.stub(self.bin / name, _CANARY_STUB)
        self.passed: set[tuple[str, tuple[str, ...]]] = set()
        """Commands already found safe (a fix's constant ones recur in every example)."""

    def stub(self, path: Path, script: str = _STUB) -> None:
        """A stub program at ``path``, which records its runs here."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(script)
        path.chmod(0o755)

    def run(self, command: str) -> tuple[list[list[str]], set[str]]:
        """Run ``command`` as pasted: the programs that ran (argv, ``$0`` as the shell
        found it, stubs on ``PATH`` by their name) and the files it left behind."""
        assert BASH is not None
        for directory in (self.runs, self.work):
            shutil.rmtree(directory)
            directory.mkdir()
        subprocess.run(
            [BASH, "--noprofile", "--norc", "-o", "noclobber", "-c", command],
            cwd=self.work,
            env={"PATH": str(self.bin), "STUB_RUNS": str(self.runs), "LC_ALL": "C.UTF-8"},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=20,
            check=False,
        )
        runs = []
        for record in self.runs.iterdir():
            argv = record.read_bytes().decode(errors="surrogateescape").split("\0")[:-1]
            program = Path(argv[0])
            argv[0] = program.name if program.parent == self.bin else argv[0]
            runs.append(argv)
        return sorted(runs), {path.name for path in self.work.iterdir()}


def expected_runs(command: str) -> tuple[list[list[str]], set[str]]:
    """What pasting ``command`` must run, read by a POSIX parser other than bash
    (:func:`shlex.split`), and the files it must leave: nothing beyond its words.

    shlex does not know command substitution: the one fix command that has one,
    inside double quotes, is read as the two commands it is. Nor does it expand
    variables: the one fixes name, the connection string's, is unset in the stub
    shell, so bash passes one empty word for it.
    """
    bundle = _BUNDLE.fullmatch(command)
    if bundle is not None:
        python = shlex.split(bundle.group(1))
        assert len(python) == 1, command
        return sorted([[*python, "-m", "certifi"], ["cat", "", "corporate-root.pem"]]), {
            "ca-bundle.pem"
        }
    into_file = _INTO_FILE.fullmatch(command)
    if into_file is not None:  # cat client.crt client.key > client.pem
        return [shlex.split(into_file.group(1))], {into_file.group(2)}
    return [shlex.split(command.replace(_URI_VARIABLE, "''"))], set()


# The variable a fix names the connection string by (atlasconnect doctor "$MONGODB_URI").
_URI_VARIABLE = '"$MONGODB_URI"'
# A command whose output goes into a new file of the working directory, named plainly.
_INTO_FILE = re.compile(r"([^<>|&;$`]+) > ([\w.-]+)")


def assert_runs_only_what_it_says(
    shell: StubShell, command: str, interpreters: tuple[str, ...] = ()
) -> None:
    """Pasted into bash, ``command`` runs one of the programs fixes name (or one of
    ``interpreters``), with the words it shows, and nothing else: no canary, no file
    but its own, and for ``python -c`` a program that only calls what it means to."""
    assert "\n" not in command, command
    assert "`" not in command, command
    if command == RESOLV_CONF or (command, interpreters) in shell.passed:
        return
    expected = expected_runs(command)
    for argv in expected[0]:
        assert argv[0] in (*PROGRAMS, *interpreters), f"an unexpected program: {command!r}"
    runs, files = shell.run(command)
    assert (runs, files) == expected, f"pasting {command!r} ran {runs}"
    assert CANARY_FILE not in files
    for argv in runs:
        if argv[0] in ("python", "python3", *interpreters) and argv[1:2] == ["-c"]:
            assert_plain_program(argv[2])
    shell.passed.add((command, interpreters))


# What a python -c command of a fix may do: import modules, call their functions
# with literal arguments, print.
_MODULES = frozenset({"socket", "ssl", "getpass", "urllib"})
_NODES = (
    ast.Module,
    ast.Import,
    ast.alias,
    ast.Expr,
    ast.Call,
    ast.Attribute,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Tuple,
    ast.keyword,
)


def assert_plain_program(code: str) -> None:
    """``code`` imports and calls the standard modules a fix tests with, nothing else:
    a host name that closed its string literal early would call something more."""
    for node in ast.walk(ast.parse(code)):
        assert isinstance(node, _NODES), f"{type(node).__name__} in {code!r}"
        if isinstance(node, ast.Name):
            assert node.id in {*_MODULES, "print"}, code
        if isinstance(node, ast.Attribute):
            assert not node.attr.startswith("_"), code
        if isinstance(node, ast.alias):
            assert node.name.split(".")[0] in _MODULES, code
