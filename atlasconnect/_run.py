"""``atlasconnect run -- COMMAND...``: a program run with every client under the policy.

For code you cannot edit (an Airflow worker, a notebook server, a vendor's
service), as ``opentelemetry-instrument`` and ``ddtrace-run`` do it: the
program runs with ``ATLASCONNECT_INJECT=1`` and the directory of
atlasconnect's ``sitecustomize`` first on ``PYTHONPATH``; that module injects
once ``pymongo`` is imported (see ``atlasconnect/_startup/sitecustomize.py``).

No ``.pth`` file: one would run at the start of every interpreter of the
environment (pip, the test runner, every tool), whether it asked for
atlasconnect or not. A process started by something else (a service
manager) gets the same two variables, which ``atlasconnect run --print-env``
prints.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, Sequence

from . import _injection as injection

INJECT_VARIABLE = "ATLASCONNECT_INJECT"
STARTUP_DIRECTORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_startup")
"""Where atlasconnect's ``sitecustomize`` is."""

# Python options under which the interpreter never reads PYTHONPATH or sitecustomize.
_IGNORING_THE_ENVIRONMENT = frozenset("IES")


def environment(base: Mapping[str, str], min_tls_version: str | None) -> dict[str, str]:
    """``base`` with what makes a Python program inject at start-up."""
    path = base.get("PYTHONPATH")
    variables = {
        **base,
        INJECT_VARIABLE: "1",
        "PYTHONPATH": STARTUP_DIRECTORY + (os.pathsep + path if path else ""),
    }
    if min_tls_version is not None:
        variables[injection.MIN_TLS_VERSION_VARIABLE] = min_tls_version
    return variables


_EXISTING_PYTHONPATH = f'"${{PYTHONPATH:+{os.pathsep}$PYTHONPATH}}"'
"""The shell's way of appending the path already set, if any."""


def exports(min_tls_version: str | None) -> str:
    """The variables for a process started by something else, as shell ``export`` lines."""
    lines = [
        f"export {INJECT_VARIABLE}=1",
        f"export PYTHONPATH={shlex.quote(STARTUP_DIRECTORY)}{_EXISTING_PYTHONPATH}",
    ]
    if min_tls_version is not None:
        lines.append(f"export {injection.MIN_TLS_VERSION_VARIABLE}={shlex.quote(min_tls_version)}")
    return "\n".join(lines)


def refusal(command: Sequence[str]) -> str | None:
    """Why ``command`` would run without the policy, if it would: a Python told to ignore
    the environment or ``sitecustomize`` (``-I``, ``-E``, ``-S``, alone or combined)."""
    if not command or not os.path.basename(command[0]).startswith("python"):
        return None
    ignoring: set[str] = set()
    options = iter(command[1:])
    for option in options:
        if option in ("-m", "-c", "-") or not option.startswith("-") or option.startswith("--"):
            break
        if option in ("-W", "-X"):
            next(options, None)
            continue
        ignoring |= _IGNORING_THE_ENVIRONMENT.intersection(option[1:])
    if not ignoring:
        return None
    named = ", ".join(f"-{flag}" for flag in sorted(ignoring))
    return (
        f"{named} makes Python ignore PYTHONPATH or sitecustomize, so the program would run "
        "without atlasconnect's policy; run it without that option."
    )
