"""Authentication mechanisms: the optional packages two of them need, and pymongo's refusals.

pymongo keeps the code of two mechanisms in packages of its optional extras,
and imports them only when a connection logs in: ``MONGODB-AWS`` needs
``pymongo_auth_aws`` (``pymongo[aws]``), ``GSSAPI`` needs ``winkerberos`` or
``kerberos`` (``pymongo[gssapi]``: pykerberos, winkerberos on Windows).
Without the package a client is made, and every operation then fails with a
bare ``ConfigurationError``. :func:`check_packages` looks for it when the plan
names such a mechanism (``importlib.util.find_spec``: found, never imported),
so that the error comes before any connection; other mechanisms look for
nothing.

pymongo's own words for these are explained by :func:`explain_text`. The
texts are pymongo's (``pymongo/synchronous/auth.py`` and ``auth_aws.py``),
the same from 4.13 to 4.20.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
from typing import NamedTuple

from . import _phrasing as phrasing
from ._exceptions import AtlasConnectError, MissingDependencyError


class _Extra(NamedTuple):
    """The optional package a mechanism needs."""

    name: str
    """pymongo's extra that installs it: ``pip install 'pymongo[name]'``."""
    modules: tuple[str, ...]
    """The modules pymongo imports, any one of which will do."""
    distribution: str
    """The distribution that extra installs on this platform."""
    what: str
    """The package, as the messages name it."""


_EXTRAS = {
    "MONGODB-AWS": _Extra("aws", ("pymongo_auth_aws",), "pymongo-auth-aws", "pymongo-auth-aws"),
    # pymongo tries winkerberos first, then kerberos (pykerberos's module), on every platform.
    "GSSAPI": _Extra(
        "gssapi",
        ("winkerberos", "kerberos"),
        "winkerberos" if os.name == "nt" else "pykerberos",
        "the kerberos module",
    ),
}


def check_packages(mechanism: object) -> None:
    """Raise :class:`MissingDependencyError` when ``mechanism`` needs a package not installed.

    ``mechanism`` is the ``authMechanism`` as the caller wrote it (pymongo
    matches it exactly: it refuses other spellings itself); None when none was.
    """
    extra = _EXTRAS.get(mechanism) if isinstance(mechanism, str) else None
    if extra is None or any(_importable(module) for module in extra.modules):
        return
    raise missing_package_error(str(mechanism), at_login=False)


def _importable(module: str) -> bool:
    """Whether ``module`` can be found on this interpreter's path; nothing is imported."""
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken parent package; a module without a spec
        return False


def missing_package_error(mechanism: str, *, at_login: bool) -> MissingDependencyError:
    """The explained error for ``mechanism``'s package: before connecting, or ``at_login``
    (pymongo's words when a connection could not import it)."""
    extra = _EXTRAS[mechanism]
    requirement = f"'pymongo[{extra.name}]'"
    installed = _installed_version(extra.distribution) if at_login else None
    if installed is None:
        found = (
            f"authMechanism={mechanism} needs {extra.what} (pymongo's '{extra.name}' extra), "
            "which is not installed in this Python."
        )
        if at_login:
            found = f"pymongo could not log in: {found}"
        fix = f"`{phrasing.pip_install(requirement)}`"
    else:  # installed, but pymongo could not import it: a broken build, a missing library
        module = extra.modules[0] if os.name == "nt" else extra.modules[-1]
        found = (
            f"pymongo could not log in with authMechanism={mechanism}: it could not import "
            f"{extra.what}, although {extra.distribution} {installed} is installed in this Python."
        )
        fix = (
            f"`{phrasing.pip_install('--force-reinstall ' + requirement)}`; "
            f'`{phrasing.python_command()} -c "import {module}"` shows why it cannot be imported.'
        )
    if extra.name == "gssapi" and os.name != "nt":
        fix += (
            " (this builds pykerberos, which needs a C compiler and the Kerberos development "
            "files: `apt-get install libkrb5-dev` on Debian and Ubuntu, `dnf install "
            "krb5-devel` on Fedora and RHEL)"
        )
    return MissingDependencyError(
        found,
        why="pymongo imports it only when a connection logs in: without it the client is made, "
        "and every operation fails.",
        fix=fix,
        package=extra.distribution,
        installed_version=installed,
    )


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


# pymongo's words when a connection cannot import the package, by mechanism.
_MISSING_PACKAGE_TEXTS = (
    ("MONGODB-AWS", r"MONGODB-AWS authentication requires pymongo-auth-aws"),
    ("GSSAPI", r'"?kerberos"? module must be installed'),
)


def explain_text(message: str, redacted_uri: str | None) -> AtlasConnectError | None:
    """The explained error for pymongo's words about a mechanism's missing package.

    ``message`` must already be redacted; ``redacted_uri`` is the connection
    string's, when it is known.
    """
    for mechanism, pattern in _MISSING_PACKAGE_TEXTS:
        if re.search(pattern, message):
            return missing_package_error(mechanism, at_login=True)
    return None
