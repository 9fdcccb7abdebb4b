"""``atlasconnect run -- COMMAND``: a program whose every client gets the policy, in fresh
processes; and the variables that do the same for a process started by something else."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ATLASCONNECT = [sys.executable, "-m", "atlasconnect"]
PROGRAM = """
import sys
print("atlasconnect imported before pymongo:", "atlasconnect" in sys.modules)
import pymongo
try:
    pymongo.MongoClient("mongodb://db.example.test/?tlsInsecure=true", connect=False)
except pymongo.errors.ConfigurationError as error:
    print("refused:", type(error).__name__)
else:
    print("accepted")
"""


def run(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ATLASCONNECT, "run", *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


@pytest.fixture
def program(tmp_path: Path) -> str:
    path = tmp_path / "program.py"
    path.write_text(PROGRAM)
    return str(path)


def test_the_program_s_clients_get_the_policy(program: str) -> None:
    result = run("--", sys.executable, program)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "atlasconnect imported before pymongo: False",  # nothing is paid before pymongo
        "refused: InsecureConfigurationError",
    ]
    plain = subprocess.run([sys.executable, program], capture_output=True, text=True, check=True)
    assert plain.stdout.splitlines()[-1] == "accepted"


def test_the_program_s_own_sitecustomize_still_runs(program: str, tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "sitecustomize.py").write_text("print('own sitecustomize')\n")
    result = run("--", sys.executable, program, env={**os.environ, "PYTHONPATH": str(own)})
    assert result.stdout.splitlines()[0] == "own sitecustomize"
    assert result.stdout.splitlines()[-1] == "refused: InsecureConfigurationError"


def test_the_floor_option_reaches_the_program(tmp_path: Path) -> None:
    path = tmp_path / "floor.py"
    path.write_text(
        "import pymongo, ssl\nfrom atlasconnect import _pymongo_internals as internals\n"
        "client = pymongo.MongoClient('mongodb://db.example.test/', connect=False)\n"
        "context = internals.tls_in_use(client).context\n"
        "print(ssl.TLSVersion(internals.lowest_offered_version(context)).name)\n"
    )
    result = run("--min-tls-version", "1.3", "--", sys.executable, str(path))
    assert result.stdout.strip() == "TLSv1_3", result.stderr


@pytest.mark.parametrize("option", ["-I", "-E", "-S", "-IB", "-sE"])
def test_a_python_that_would_ignore_the_startup_hook_is_refused(program: str, option: str) -> None:
    result = run("--", sys.executable, option, program)
    assert result.returncode == 2
    assert "would run without atlasconnect's policy" in result.stderr
    assert result.stdout == ""


def test_an_option_of_the_program_itself_is_not_python_s(program: str) -> None:
    result = run("--", sys.executable, program, "-I")
    assert result.returncode == 0, result.stderr


def test_an_interpreter_without_atlasconnect_fails_closed(program: str, tmp_path: Path) -> None:
    venv.create(tmp_path / "other", with_pip=False)
    python = tmp_path / "other" / ("Scripts" if os.name == "nt" else "bin") / "python"
    result = run("--", str(python), program)
    assert result.returncode == 1
    assert "cannot import atlasconnect" in result.stderr
    assert result.stdout == ""


def test_a_missing_command_is_127() -> None:
    result = run("--", "no-such-command-atlasconnect")
    assert result.returncode == 127
    assert "no-such-command-atlasconnect" in result.stderr


def test_the_printed_variables_do_the_same(program: str) -> None:
    exports = run("--print-env").stdout
    script = f"{exports}\nexec {shlex.quote(sys.executable)} {shlex.quote(program)}"
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.splitlines()[-1] == "refused: InsecureConfigurationError", result.stderr
