"""The operating system's trust store, beside the CA file: opt-in, through truststore.

A machine behind a TLS-inspecting proxy or antivirus, or one whose IT installs
its own root CA, trusts an issuer that certifi's bundle does not hold, and
verification against certifi alone fails ("unable to get local issuer
certificate"). mongosh, Compass and pip trust the operating system's store
together with their bundled roots; atlasconnect does the same when asked
(``system_ca=True`` or ``ATLASCONNECT_SYSTEM_CA=1``), as pip does: a
``truststore.SSLContext``, which verifies with the operating system's own
verifier, that also loads the CA file (certifi's, or ``tlsCAFile``).

Never ``truststore.inject_into_ssl()``: it changes every SSL context of the
process, and after ``import pymongo`` it makes every TLS client raise
RecursionError. The context is built for atlasconnect's clients only, in the
hook that builds their contexts (:mod:`atlasconnect._pymongo_internals`), from
the one pymongo built: the same switches, options and files, the floor raised
on it after.

Only for Python's ``ssl`` module: with pyOpenSSL installed (``pymongo[ocsp]``),
pymongo's synchronous client uses it, and replacing its context would drop the
OCSP checks pymongo makes with it, so that is refused (:func:`pyopenssl_refusal`).
The async client always uses ``ssl``.
"""

from __future__ import annotations

import importlib.metadata
import os
import ssl
from typing import Any

from . import _phrasing as phrasing
from ._exceptions import ConnectionStringError, MissingDependencyError

ENVIRONMENT_VARIABLE = "ATLASCONNECT_SYSTEM_CA"
"""Switches the system trust store on for every client whose code does not say (``1``)."""

EXTRA = "atlasconnect[system-ca]"
"""The extra that installs truststore."""

_ON = frozenset({"1", "true", "yes", "on"})
_OFF = frozenset({"", "0", "false", "no", "off"})


def wanted(system_ca: bool | None) -> bool:
    """Whether a client trusts the system store: ``system_ca`` when given, else the variable.

    A value of the variable that is neither on nor off is refused: a typo must
    not silently leave the switch off.
    """
    if system_ca is not None:
        if not isinstance(system_ca, bool):
            raise ConnectionStringError(
                f"system_ca must be True or False, not {type(system_ca).__name__}.",
                why="it switches the operating system's trust store on or off.",
                fix="pass system_ca=True, or leave it out to use the "
                f"{ENVIRONMENT_VARIABLE} environment variable.",
                redacted_uri=None,
            )
        return system_ca
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower()
    if value in _ON or value in _OFF:
        return value in _ON
    raise ConnectionStringError(
        f"The {ENVIRONMENT_VARIABLE} environment variable is set to a value that is neither "
        "on nor off.",
        why="it switches the operating system's trust store on (1, true, yes, on) or off "
        "(0, false, no, off, or unset); atlasconnect will not guess which was meant.",
        fix=f"set {ENVIRONMENT_VARIABLE}=1 to trust the system store, or unset it.",
        redacted_uri=None,
    )


def require() -> None:
    """Raise :class:`MissingDependencyError` when truststore cannot be imported."""
    try:
        importlib.import_module("truststore")
    except ImportError:
        raise MissingDependencyError(
            "The operating system's trust store was asked for (system_ca), but truststore "
            "cannot be imported.",
            why="atlasconnect reaches the system store through truststore, which verifies "
            "certificates with the operating system's own verifier.",
            fix=phrasing.pip_install(f"'{EXTRA}'"),
            package="truststore",
            installed_version=None,
        ) from None


def version() -> str | None:
    """truststore's version, or None when it is not installed."""
    try:
        return importlib.metadata.version("truststore")
    except importlib.metadata.PackageNotFoundError:
        return None


def verifying_context(ca_file: str) -> ssl.SSLContext:
    """A client context that trusts the system store and ``ca_file``, verifying host names.

    For the doctor's own handshakes; clients get theirs from :func:`like`.
    """
    truststore = importlib.import_module("truststore")
    context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=ca_file)
    return context


def like(
    built: ssl.SSLContext,
    ca_file: str,
    *,
    certfile: str | None,
    passphrase: Any,
    crlfile: str | None,
) -> ssl.SSLContext:
    """A context that does what ``built`` (pymongo's) does, and also trusts the system store.

    pymongo built ``built`` from the same files, so loading them again cannot
    fail for a reason it did not already raise.
    """
    context = verifying_context(ca_file)
    context.check_hostname = built.check_hostname  # before verify_mode, which it may forbid
    context.verify_mode = built.verify_mode
    context.options = built.options
    context.verify_flags = built.verify_flags
    context.minimum_version = built.minimum_version
    context.maximum_version = built.maximum_version
    if crlfile is not None:
        context.load_verify_locations(crlfile)
    if certfile is not None:
        context.load_cert_chain(certfile, None, passphrase)
    return context


def is_system_context(context: object) -> bool:
    """Whether ``context`` verifies with the system store (a ``truststore.SSLContext``)."""
    try:
        truststore = importlib.import_module("truststore")
    except ImportError:
        return False
    return isinstance(context, truststore.SSLContext)


def pyopenssl_refusal() -> MissingDependencyError:
    """The error for ``system_ca`` on pymongo's synchronous client with pyOpenSSL."""
    try:
        installed: str | None = importlib.metadata.version("pyOpenSSL")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    return MissingDependencyError(
        "The operating system's trust store was asked for (system_ca), but pymongo's "
        "synchronous client uses pyOpenSSL here (pymongo[ocsp] is installed), not Python's "
        "ssl module.",
        why="truststore works with Python's ssl module only, and replacing pyOpenSSL's "
        "context would silently drop the OCSP revocation checks pymongo makes with it; "
        "atlasconnect does neither.",
        fix="either uninstall pyOpenSSL (pip uninstall pyopenssl) to use the system store, "
        "or keep it and add your organisation's root CA to a PEM bundle passed as "
        "tlsCAFile='bundle.pem' instead of system_ca; connect_async() is not affected.",
        cli_fix="either uninstall pyOpenSSL (pip uninstall pyopenssl) to use the system "
        "store, or keep it and add your organisation's root CA to a PEM bundle named in "
        "the connection string: &tlsCAFile=bundle.pem.",
        package="pyOpenSSL",
        installed_version=installed,
    )
