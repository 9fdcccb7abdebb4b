"""How a fix names a setting, for where the reader is.

A program calls :func:`atlasconnect.connect` and sets options as its keyword
arguments (``connect(uri, tlsCAFile='ca.pem')``); someone running
``atlasconnect doctor`` or ``atlasconnect explain`` has only the connection
string, and sets the same option in its query (``...&tlsCAFile=ca.pem``).
Errors keep the first phrasing as ``fix`` and the second as ``cli_fix``
(:func:`atlasconnect._exceptions.fix_for` chooses); this module writes both
from one description of the setting, so that they never say different things.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from typing import Literal

from . import _shell as shell

Audience = Literal["python", "cli"]
"""Who reads a fix: a program's author (``connect()`` keywords) or a command-line user
(connection-string options and the doctor's flags)."""

UNKNOWN_URI = "<unknown>"
"""The redacted URI of a client atlasconnect did not plan: nothing is known of it."""

DOCTOR_COMMAND = 'atlasconnect doctor "$MONGODB_URI"'
"""The command that checks each layer from this machine, for a failure a text cannot place."""

DOCTOR_DNS_COMMAND = 'atlasconnect doctor --dns-server 1.1.1.1 "$MONGODB_URI"'
"""The doctor asking other DNS servers, for an SRV lookup the system's resolver cannot make."""

RESOLVE_COMMAND = 'atlasconnect resolve --dns-server 1.1.1.1 "$MONGODB_URI"'
"""The command that prints the standard connection string of a ``mongodb+srv://`` one."""


def python_command() -> shell.Word | None:
    """How a shell runs this interpreter: ``python`` (or ``python3``) when that name on
    ``PATH`` is this interpreter in this environment, else its full path, quoted for
    the shell (:func:`atlasconnect._shell.path`); None when no quoting carries that
    path safely (:func:`with_python` then says which interpreter it means).

    A fix that installs a package must reach the environment atlasconnect runs
    in, which a bare ``python`` may not be; but a virtualenv's full path can be
    wider than a terminal line, and an activated environment needs none of it.
    """
    here = sys.executable or "python"
    for name in ("python", "python3"):
        found = shutil.which(name)
        if found is not None and _same_environment(found, here):
            return shell.Word(name)
    return shell.path(here)


def with_python(template: str) -> str:
    """The command ``template``, whose ``{python}`` field runs this interpreter, between
    backquotes (:func:`atlasconnect._shell.command`).

    When this interpreter's path cannot be written in a command (it holds a
    backquote or a newline, say), the command says ``python`` and the words after
    it which interpreter that must be.
    """
    python = python_command()
    if python is not None:
        return shell.command(template, python=python)
    return (
        f"{shell.command(template, python=shell.Word('python'))}, where python means this "
        f"program's interpreter, {shell.prose(sys.executable)}, whose path no shell "
        "command can hold"
    )


def pip_install(arguments: str) -> str:
    """The command that installs ``arguments`` (atlasconnect's own text) into this
    interpreter's environment, between backquotes."""
    return with_python(f"{{python}} -m pip install {arguments}")


def _same_environment(found: str, here: str) -> bool:
    """Whether ``found`` runs the interpreter ``here`` in the same environment: the same
    file, from the same directory (a virtualenv is known by where its python is run from)."""
    same_directory = os.path.normcase(os.path.dirname(os.path.abspath(found))) == os.path.normcase(
        os.path.dirname(os.path.abspath(here))
    )
    try:
        return same_directory and os.path.samefile(found, here)
    except OSError:
        return False


def connect_call(settings: Mapping[str, str]) -> str:
    """``connect(uri, tlsCAFile='/path/to/ca.pem')``: the settings as keyword arguments."""
    keywords = ", ".join(f"{name}={value!r}" for name, value in settings.items())
    return f"connect(uri, {keywords})"


def uri_suffix(settings: Mapping[str, str], uri: str) -> str:
    """What to append to ``uri`` so that its query also holds ``settings``.

    ``&`` joins the options of a query, ``?`` starts one, and pymongo wants a
    ``/`` before a query that follows a database name or stands alone after
    the hosts (``/?`` is what Atlas writes). A user name or password cannot
    hold a bare ``?`` or ``/`` (atlasconnect refuses them), so the first ``?``
    after the scheme starts the query.
    """
    options = "&".join(f"{name}={value}" for name, value in settings.items())
    after_scheme = uri.partition("://")[2]
    if "?" in after_scheme:
        return f"&{options}" if after_scheme.partition("?")[2] else options
    return f"?{options}" if "/" in after_scheme else f"/?{options}"


def uri_setting(settings: Mapping[str, str], uri: str | None) -> str:
    """The settings as a command-line user adds them to the connection string ``uri``.

    ``uri`` is the redacted connection string when it is known (its secrets
    do not change where the query starts), else None or :data:`UNKNOWN_URI`.
    An option the URI already holds is to be changed, not added twice.
    """
    written = "&".join(f"{name}={value}" for name, value in settings.items())
    if uri is None or uri == UNKNOWN_URI:
        return (
            f"append &{written} to the connection string if it has a '?', else /?{written} "
            f"after its hosts (?{written} if it ends with '/')"
        )
    present = [name for name in settings if _has_option(uri, name)]
    if present:
        return f"set {written} in the connection string, in place of its {'= and '.join(present)}="
    return f"append {uri_suffix(settings, uri)} to the connection string"


def _has_option(uri: str, name: str) -> bool:
    """Whether the query of ``uri`` names the option ``name`` (in any letter case)."""
    query = uri.partition("?")[2]
    return any(
        pair.partition("=")[0].lower() == name.lower()
        for pair in query.replace(";", "&").split("&")
    )
