"""This environment as facts: the one source of every form the environment is shown in.

:func:`gather` reads each fact once, from the flag or the package it is about
(the ones the checks of :mod:`atlasconnect._environment` read). Each form is
then made from the fields, none from another: the report of ``python -m
atlasconnect`` (:func:`lines`: a label and a text for people), the details of
the doctor's environment layer in ``--json`` (:func:`details`: the keys of
:data:`JSON_KEYS`, which ``doctor-schema.json`` lists) and its one-line summary
(:func:`summary`). A label can be reworded without changing a key, and no form
is read back from the text of another.

``import atlasconnect`` does not import this module: only the command and the
doctor show the environment.
"""

from __future__ import annotations

import platform
import ssl
import sys
from collections.abc import Callable
from typing import NamedTuple

import certifi
import pymongo

from . import _environment as environment
from . import _pymongo_internals
from . import _system_ca as system_trust
from . import _tls as tls
from . import _tls_files as tls_files
from ._exceptions import CABundleError


class Facts(NamedTuple):
    """What this Python brings to a connection to Atlas."""

    python_version: str
    """``platform.python_version()``: ``3.12.4``."""
    executable: str
    """``sys.executable``: the interpreter's path."""
    openssl: str
    """``ssl.OPENSSL_VERSION``: the TLS library's name, version and build date."""
    backend: _pymongo_internals.TLSBackend
    """The TLS library of pymongo's synchronous client: ``"stdlib"`` or ``"pyopenssl"``."""
    sni: bool
    """``ssl.HAS_SNI``: whether a connection can name the host it wants (Atlas needs it)."""
    tls_versions: tuple[ssl.TLSVersion, ...]
    """The versions from TLS 1.1 up that the TLS library offers."""
    requested_floor: ssl.TLSVersion
    """The TLS floor asked for (``min_tls_version``)."""
    platform_floor: ssl.TLSVersion
    """The minimum TLS version of this Python's client contexts by default."""
    floor: ssl.TLSVersion
    """The floor enforced: the higher of the two."""
    ca_file: str
    """certifi's CA bundle."""
    ca_certificates: int | None
    """How many certificates it holds; None when it cannot be used."""
    ca_problem: str | None
    """Why it cannot be used (:attr:`CABundleError.reason <atlasconnect.CABundleError.reason>`:
    ``"missing"``, ``"unreadable"``, ``"invalid"``, ``"empty"``); None when it can."""
    pymongo: str
    """pymongo's version."""
    dnspython: str | None
    """dnspython's version; None when it cannot be imported."""
    system_ca: bool = False
    """Whether the system store is trusted too (``--system-ca``, ``ATLASCONNECT_SYSTEM_CA``)."""
    truststore: str | None = None
    """truststore's version; None when it is not installed."""

    @property
    def tls_library(self) -> str:
        """The TLS library and its version, without its build date: ``OpenSSL 3.0.13``."""
        return " ".join(self.openssl.split()[:2])


def gather(floor: ssl.TLSVersion, *, system_ca: bool = False) -> Facts:
    """The facts of this environment now, for the TLS floor ``floor``."""
    ca_file = certifi.where()
    try:
        certificates, problem = tls_files.check_ca_file(ca_file), None
    except CABundleError as exc:
        certificates, problem = None, exc.reason
    return Facts(
        python_version=platform.python_version(),
        executable=sys.executable,
        openssl=ssl.OPENSSL_VERSION,
        backend=_pymongo_internals.tls_backend(),
        sni=bool(getattr(ssl, "HAS_SNI", False)),
        tls_versions=environment.available_tls_versions(),
        requested_floor=floor,
        platform_floor=tls.platform_min_tls_version(),
        floor=tls.effective_min_tls_version(floor),
        ca_file=ca_file,
        ca_certificates=certificates,
        ca_problem=problem,
        pymongo=pymongo.__version__,
        dnspython=environment.dnspython_version(),
        system_ca=system_ca,
        truststore=system_trust.version(),
    )


_BACKENDS = {
    "stdlib": "stdlib ssl",
    "pyopenssl": "pyOpenSSL (synchronous client), stdlib ssl (async client)",
}


def _floor(facts: Facts) -> str:
    return (
        f"{tls.version_name(facts.floor)} (requested {tls.version_name(facts.requested_floor)}, "
        f"platform default {tls.version_name(facts.platform_floor)})"
    )


def _ca_bundle(facts: Facts) -> str:
    if facts.ca_problem is not None:
        return f"{facts.ca_file} ({facts.ca_problem})"
    return f"{facts.ca_file} ({facts.ca_certificates} certificates, from certifi)"


def _system_store(facts: Facts) -> str:
    state = "trusted too" if facts.system_ca else "not used (system_ca off)"
    installed = f"truststore {facts.truststore}" if facts.truststore else "truststore not installed"
    return f"{state}; {installed}"


def _trusted(facts: Facts) -> str:
    return "certifi and the system store" if facts.system_ca else "certifi"


# Each fact as the doctor's JSON names it (a key of doctor-schema.json, which stays), as
# people read it (a label, which may be reworded), and its text, the same in both.
_FORMS: tuple[tuple[str, str, Callable[[Facts], str]], ...] = (
    ("python", "Python", lambda facts: f"{facts.python_version} ({facts.executable})"),
    ("openssl", "OpenSSL", lambda facts: facts.openssl),
    ("tls_backend", "TLS backend", lambda facts: _BACKENDS[facts.backend]),
    ("sni", "SNI", lambda facts: "supported" if facts.sni else "NOT supported"),
    (
        "tls_versions",
        "TLS versions",
        lambda facts: ", ".join(map(tls.version_name, facts.tls_versions)) or "none",
    ),
    ("tls_floor", "TLS floor", _floor),
    ("ca_bundle", "CA bundle", _ca_bundle),
    ("pymongo", "pymongo", lambda facts: facts.pymongo),
    ("dnspython", "dnspython", lambda facts: facts.dnspython or "not installed"),
    ("system_trust_store", "System store", _system_store),
)

JSON_KEYS = tuple(key for key, _, _ in _FORMS)
"""The keys of the environment layer's ``details`` in the doctor's JSON, in order."""


def lines(facts: Facts) -> list[tuple[str, str]]:
    """The report for people: (label, text) lines."""
    return [(label, text(facts)) for _, label, text in _FORMS]


def details(facts: Facts) -> dict[str, str]:
    """The doctor's JSON details: each of :data:`JSON_KEYS` and its text."""
    return {key: text(facts) for key, _, text in _FORMS}


def summary(facts: Facts) -> str:
    """One line: ``Python 3.12.4, OpenSSL 3.0.13, TLS 1.2 floor, CAs from certifi``
    (``certifi and the system store`` with ``system_ca``)."""
    return (
        f"Python {facts.python_version}, {facts.tls_library}, "
        f"{tls.version_name(facts.floor)} floor, CAs from {_trusted(facts)}"
    )
