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

pymongo's own words for these, and for the ``authMechanismProperties`` of
``MONGODB-OIDC`` it refuses when a client is made, are explained by
:func:`explain_text`. The texts are pymongo's (``pymongo/auth_shared.py``,
``pymongo/synchronous/auth.py`` and ``auth_aws.py``), the same from 4.13 to
4.20; the rules they enforce stay pymongo's.
"""

from __future__ import annotations

import os
import re

from . import _phrasing as phrasing
from ._exceptions import AtlasConnectError, ConnectionStringError, MissingDependencyError

# The optional package each mechanism needs: pymongo's extra that installs it ('pip install
# pymongo[extra]'), the modules pymongo imports (any one will do), the distribution that
# extra installs on this platform, and the package as messages name it. Plain tuples, not
# a NamedTuple class: defining one costs every fresh process a millisecond.
_EXTRAS: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "MONGODB-AWS": ("aws", ("pymongo_auth_aws",), "pymongo-auth-aws", "pymongo-auth-aws"),
    # pymongo tries winkerberos first, then kerberos (pykerberos's module), on every platform.
    "GSSAPI": (
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
    if extra is None or any(_importable(module) for module in extra[1]):
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
    name, modules, distribution, what = _EXTRAS[mechanism]
    requirement = f"'pymongo[{name}]'"
    installed = _installed_version(distribution) if at_login else None
    if installed is None:
        found = (
            f"authMechanism={mechanism} needs {what} (pymongo's '{name}' extra), "
            "which is not installed in this Python."
        )
        if at_login:
            found = f"pymongo could not log in: {found}"
        fix = f"`{phrasing.pip_install(requirement)}`"
    else:  # installed, but pymongo could not import it: a broken build, a missing library
        module = modules[0] if os.name == "nt" else modules[-1]
        found = (
            f"pymongo could not log in with authMechanism={mechanism}: it could not import "
            f"{what}, although {distribution} {installed} is installed in this Python."
        )
        fix = (
            f"`{phrasing.pip_install('--force-reinstall ' + requirement)}`; "
            f'`{phrasing.python_command()} -c "import {module}"` shows why it cannot be imported.'
        )
    if name == "gssapi" and os.name != "nt":
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
        package=distribution,
        installed_version=installed,
    )


def _installed_version(distribution: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


# pymongo's words when a connection cannot import the package, by mechanism.
_MISSING_PACKAGE_TEXTS = (
    ("MONGODB-AWS", r"MONGODB-AWS authentication requires pymongo-auth-aws"),
    ("GSSAPI", r'"?kerberos"? module must be installed'),
)

_OIDC_WHY = (
    "MONGODB-OIDC logs in with a token that pymongo gets either from a callback the program "
    "passes (OIDC_CALLBACK; OIDC_HUMAN_CALLBACK for a person who signs in) or, on a cloud "
    "machine, from its platform (ENVIRONMENT: azure, gcp or k8s); pymongo checks these "
    "authMechanismProperties when the client is made."
)
_CALLBACK = (
    "a callback, a pymongo.auth_oidc.OIDCCallback: connect(uri, "
    "authMechanismProperties={'OIDC_CALLBACK': callback})"
)
_ONLY_A_PROGRAM = (
    "a program must pass a callback (OIDC_CALLBACK), which a connection string cannot hold"
)
_AUDIENCE = "<the audience set in Atlas>"


def _oidc_refusal(message: str) -> tuple[str, str, str, str] | None:
    """(found, why, fix, cli_fix) for pymongo's refusal of MONGODB-OIDC's properties."""
    said = "pymongo refused authMechanism=MONGODB-OIDC"
    if re.search(r"requires providing either a callback or a environment", message):
        return (
            f"{said}: authMechanismProperties must hold either ENVIRONMENT or a callback "
            "(OIDC_CALLBACK, OIDC_HUMAN_CALLBACK), and hold neither, or both.",
            _OIDC_WHY,
            "give exactly one: on Azure, Google Cloud or Kubernetes, connect(uri, "
            f"authMechanismProperties={{'ENVIRONMENT': 'azure', 'TOKEN_RESOURCE': '{_AUDIENCE}'}})"
            " ('gcp' takes TOKEN_RESOURCE too, 'k8s' needs none); elsewhere " + _CALLBACK + ".",
            "give exactly one: on Azure, Google Cloud or Kubernetes, put "
            f"authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:{_AUDIENCE} in the "
            "connection string (percent-encoded; ENVIRONMENT:gcp takes TOKEN_RESOURCE too, "
            "ENVIRONMENT:k8s needs none); elsewhere "
            f"{_ONLY_A_PROGRAM}.",
        )
    match = re.search(r"(Azure environment|GCP provider) for MONGODB-OIDC requires", message)
    if match:
        platform = "azure" if match.group(1).startswith("Azure") else "gcp"
        return (
            f"{said} with ENVIRONMENT:{platform}: it needs TOKEN_RESOURCE too.",
            f"on {'Azure' if platform == 'azure' else 'Google Cloud'} pymongo asks the machine's "
            "identity for a token meant for TOKEN_RESOURCE: the audience set for the workload "
            "identity provider the cluster trusts (Atlas: Federation Management).",
            f"add it: connect(uri, authMechanismProperties={{'ENVIRONMENT': '{platform}', "
            f"'TOKEN_RESOURCE': '{_AUDIENCE}'}}).",
            f"add it to authMechanismProperties in the connection string: authMechanismProperties="
            f"ENVIRONMENT:{platform},TOKEN_RESOURCE:{_AUDIENCE} (percent-encoded).",
        )
    match = re.search(r"unrecognized ENVIRONMENT for MONGODB-OIDC: ?([^\n]*)", message)
    if match:
        return (
            f"{said}: ENVIRONMENT:{match.group(1).strip()} is not an environment pymongo knows.",
            "pymongo knows azure, gcp, k8s (Kubernetes) and test, in lower case; on any other "
            "platform (AWS among them) the program gets the token itself, with a callback.",
            "write ENVIRONMENT azure, gcp or k8s in lower case, or, elsewhere, pass "
            + _CALLBACK
            + " and no ENVIRONMENT.",
            "write ENVIRONMENT:azure, ENVIRONMENT:gcp or ENVIRONMENT:k8s (lower case) in "
            f"authMechanismProperties; elsewhere {_ONLY_A_PROGRAM}.",
        )
    if re.search(r"password is not supported by MONGODB-OIDC", message):
        return (
            f"{said} with a password: MONGODB-OIDC takes none.",
            "the token is the credential; a user name may name the identity to use (on Azure, "
            "the client ID of a user-assigned managed identity), a password has no place.",
            "remove the password from the connection string (mongodb://USER@host/..., or no "
            "user at all) and any password= keyword.",
            "remove the password from the connection string (the ':' and what follows it, up "
            "to the '@').",
        )
    if re.search(r"test environment for MONGODB-OIDC does not support username", message):
        fix = (
            "remove the user name from the connection string{keyword}; ENVIRONMENT:test is "
            "pymongo's test fixture (a token read from the file OIDC_TOKEN_FILE names): on "
            "Azure, Google Cloud or Kubernetes use ENVIRONMENT azure, gcp or k8s instead."
        )
        return (
            f"{said} with ENVIRONMENT:test and a user name.",
            "ENVIRONMENT:test reads one token from a file, for no particular user.",
            fix.format(keyword=" and any username= keyword"),
            fix.format(keyword=""),
        )
    if re.search(r"cannot set both OIDC_CALLBACK and OIDC_HUMAN_CALLBACK", message):
        fix = (
            "pass one of them: OIDC_CALLBACK for a program's own identity, OIDC_HUMAN_CALLBACK "
            "for a person who signs in."
        )
        return (
            f"{said}: authMechanismProperties holds both OIDC_CALLBACK and OIDC_HUMAN_CALLBACK.",
            "each callback gets the token its own way; a client uses one.",
            fix,
            fix,
        )
    if re.search(r"ALLOWED_HOSTS is only valid with OIDC_HUMAN_CALLBACK", message):
        fix = "remove ALLOWED_HOSTS from authMechanismProperties, or pass an OIDC_HUMAN_CALLBACK."
        return (
            f"{said}: authMechanismProperties holds ALLOWED_HOSTS without OIDC_HUMAN_CALLBACK.",
            "ALLOWED_HOSTS lists the servers a person's token may be sent to; only the human "
            "callback gets such a token.",
            fix,
            fix,
        )
    return None


def explain_text(message: str, redacted_uri: str | None) -> AtlasConnectError | None:
    """The explained error for pymongo's words about a mechanism's package or OIDC properties.

    ``message`` must already be redacted; ``redacted_uri`` is the connection
    string's, when it is known.
    """
    for mechanism, pattern in _MISSING_PACKAGE_TEXTS:
        if re.search(pattern, message):
            return missing_package_error(mechanism, at_login=True)
    refusal = _oidc_refusal(message)
    if refusal is None:
        return None
    found, why, fix, cli_fix = refusal
    return ConnectionStringError(
        found, why=why, fix=fix, cli_fix=cli_fix, redacted_uri=redacted_uri
    )
