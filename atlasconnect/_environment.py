"""Is this Python able to reach MongoDB Atlas safely? Checked before connecting.

Each check reads the documented standard-library flag it is about
(``ssl.HAS_SNI``, ``ssl.HAS_TLSv1_2``, ``ssl.OPENSSL_VERSION_INFO``...) at call
time, and raises a typed error that names the fix. The checks are the ones on
the Atlas page of the PyMongo documentation, plus the CA bundle and the
packages atlasconnect relies on.
"""

from __future__ import annotations

import ssl
from typing import Literal

import pymongo

from . import _phrasing as phrasing
from . import _pymongo_internals
from . import _tls as tls
from . import _tls_files as tls_files
from ._exceptions import (
    MissingDependencyError,
    SNIUnsupportedError,
    TLSVersionUnsupportedError,
)
from ._forksafe import ForkSafeLock

OLDEST_PYMONGO = (4, 13)
"""The oldest pymongo supported: the first with the stable async API."""

OLDEST_OPENSSL = (1, 0, 1)
"""The first OpenSSL release with TLS 1.1 and 1.2."""

OLD_PYTHON_FIX = (
    "use a Python linked to a current OpenSSL: on macOS older than 10.13 the system "
    "Python cannot do this, install Python from python.org, Homebrew or MacPorts; on "
    "Linux use your distribution's current python3 package. Check with: "
)

_passed: set[tuple[ssl.TLSVersion, str, bool, FloorProof]] = set()
_passed_lock = ForkSafeLock()


FloorProof = Literal["probe", "client"]
"""Where the TLS floor is proven: on probe contexts now, or on the client's own context
(:func:`~atlasconnect._pymongo_internals.check_floor_in_use`) once it is built."""


def ensure_fit(
    floor: ssl.TLSVersion, ca_file: str, *, is_srv: bool, proof: FloorProof = "probe"
) -> None:
    """Like :func:`run_checks`, but remember a passing result for this process."""
    key = (floor, ca_file, is_srv, proof)
    if key in _passed:
        return
    run_checks(floor, ca_file, is_srv=is_srv, proof=proof)
    with _passed_lock:
        _passed.add(key)


def run_checks(
    floor: ssl.TLSVersion, ca_file: str, *, is_srv: bool, proof: FloorProof = "probe"
) -> None:
    """Run the checks in the order a person would fix them; raise the first problem.

    With ``proof="client"`` the CA file and the floor are left to the client
    about to be built, which loads the one and builds its context through the
    other anyway (the plan installs the hook for each client): only what that
    load would not say (a missing file, one without certificates) is checked
    here, so that a fresh process reads its CA bundle once, not three times.
    """
    check_pymongo()
    check_sni()
    check_openssl()
    check_tls_versions(floor)
    if proof == "client":
        tls_files.check_ca_file_quickly(ca_file)
    else:
        check_ca_file_and_floor(ca_file)
    if is_srv:
        check_dnspython()


# What loading a CA file may raise: ssl.SSLError and OS errors, a NUL in the path,
# pyOpenSSL's own errors on that backend.
_CA_FILE_LOAD_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    ValueError,
    *_pymongo_internals.TLS_LIBRARY_ERRORS,
)


def check_ca_file_and_floor(ca_file: str) -> None:
    """The CA file, and pymongo's floor hook proven with it, for one load of the file.

    The floor's proof builds a client's context that trusts ``ca_file``, which
    loads it: that load also tells that the file holds certificates. When the
    proof is not needed (the hook is proven), or cannot load the file,
    :func:`~atlasconnect._tls.check_ca_file` loads it and says what is wrong.
    """
    try:
        certificates = _pymongo_internals.check_tls_floor_hook(ca_file)
    except _CA_FILE_LOAD_ERRORS:
        certificates = None  # the file could not be loaded: check_ca_file says why
        unproven = True
    else:
        unproven = False
    if certificates is None:
        tls_files.check_ca_file(ca_file)
    elif certificates == 0:
        raise tls_files.ca_file_error(ca_file, "empty", "holds no PEM certificates")
    if unproven:  # the file is fine after all: the hook itself failed
        _pymongo_internals.check_tls_floor_hook(ca_file)


def check_pymongo() -> None:
    """pymongo must be new enough (its internals are checked by check_tls_floor_hook)."""
    if tuple(pymongo.version_tuple[:2]) < OLDEST_PYMONGO:
        oldest = ".".join(map(str, OLDEST_PYMONGO))
        requirement = f"--upgrade 'pymongo>={oldest},<5'"
        raise MissingDependencyError(
            f"pymongo {pymongo.__version__} is installed; atlasconnect needs {oldest} or newer.",
            why="older pymongo releases lack the async client and the TLS handling "
            "atlasconnect builds on.",
            fix=phrasing.pip_install(requirement),
            package="pymongo",
            installed_version=pymongo.__version__,
        )


def check_sni() -> None:
    """The TLS library must send Server Name Indication."""
    if not getattr(ssl, "HAS_SNI", False):
        raise SNIUnsupportedError(
            f"This Python's TLS library ({ssl.OPENSSL_VERSION}) cannot send Server Name "
            "Indication (SNI): ssl.HAS_SNI is False.",
            why="Atlas routes each connection by the host name sent in SNI; shared and free "
            "tier clusters refuse clients without it (code 8000, 'no SNI name sent').",
            fix=OLD_PYTHON_FIX + '`python -c "import ssl; print(ssl.HAS_SNI)"` must print True.',
        )


def check_openssl() -> None:
    """OpenSSL must be 1.0.1 or newer: older releases have no TLS 1.1 or 1.2."""
    if tuple(ssl.OPENSSL_VERSION_INFO[:3]) < OLDEST_OPENSSL:
        raise TLSVersionUnsupportedError(
            f"This Python is linked to {ssl.OPENSSL_VERSION}, older than OpenSSL 1.0.1.",
            why="OpenSSL before 1.0.1 speaks no TLS 1.1 or 1.2, and Atlas accepts nothing older.",
            fix=OLD_PYTHON_FIX + "`openssl version` and "
            '`python -c "import ssl; print(ssl.OPENSSL_VERSION)"`.',
            min_tls_version=tls.LOWEST_MIN_TLS_VERSION,
            available=available_tls_versions(),
        )


def check_tls_versions(floor: ssl.TLSVersion) -> None:
    """Some TLS version at or above ``floor`` must be available."""
    available = available_tls_versions()
    if not any(version >= floor for version in available):
        offered = ", ".join(map(tls.version_name, available)) or "none of TLS 1.1-1.3"
        raise TLSVersionUnsupportedError(
            f"The TLS floor is {tls.version_name(floor)}, but this Python's TLS library "
            f"({ssl.OPENSSL_VERSION}) offers only: {offered}.",
            why="every connection must use the floor or newer, so no connection could be "
            "made; Atlas itself requires TLS 1.2 or newer.",
            fix=OLD_PYTHON_FIX
            + f'`python -c "import ssl; print(ssl.HAS_{floor.name})"` must print True.',
            min_tls_version=floor,
            available=available,
        )


def available_tls_versions() -> tuple[ssl.TLSVersion, ...]:
    """The versions from TLS 1.1 up that this Python's TLS library offers."""
    return tuple(
        version
        for version in tls.ALLOWED_MIN_TLS_VERSIONS
        if getattr(ssl, f"HAS_{version.name}", False)
    )


def check_dnspython() -> None:
    """``mongodb+srv://`` needs dnspython to look up the cluster's hosts."""
    try:
        import dns.resolver  # noqa: F401
    except ImportError:
        raise dnspython_missing(
            "The connection string starts with mongodb+srv://, but dnspython cannot be imported."
        ) from None


def dnspython_missing(found: str) -> MissingDependencyError:
    """The error for a dnspython that is not installed, which ``found`` tells how it was seen."""
    return MissingDependencyError(
        found,
        why="a mongodb+srv:// address is a DNS name whose SRV records list the cluster's "
        "hosts; pymongo needs dnspython to look them up.",
        fix=phrasing.pip_install("dnspython"),
        package="dnspython",
        installed_version=None,
    )


def dnspython_version() -> str | None:
    """dnspython's version, or None when it cannot be imported."""
    try:
        import dns.version
    except ImportError:
        return None
    return str(dns.version.version)
