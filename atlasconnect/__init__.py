"""Connect to MongoDB Atlas with TLS enforced, certifi trusted, and failures explained.

``atlasconnect.connect()`` replaces ``pymongo.MongoClient(uri)``: it checks that
this Python can reach Atlas safely, then returns a real ``MongoClient`` that
always uses TLS, trusts certifi's CA bundle and holds a TLS version floor.
Failures on the network are raised, or logged, as typed errors that name the
cause and the fix; :func:`explain` does the same for errors met later.
"""

from __future__ import annotations

from importlib.metadata import version as _version

from .client import connect, connect_async
from .diagnosis import explain
from .environment import check_environment
from .exceptions import (
    AtlasConnectError,
    AuthenticationError,
    CABundleError,
    CertificateVerificationError,
    ConnectionStringError,
    DNSResolutionError,
    InsecureConfigurationError,
    MissingDependencyError,
    NetworkAccessError,
    ServerUnreachableError,
    SNIRefusedError,
    SNIUnsupportedError,
    TLSVersionRefusedError,
    TLSVersionUnsupportedError,
)

__version__ = _version("atlasconnect")

__all__ = [
    "AtlasConnectError",
    "AuthenticationError",
    "CABundleError",
    "CertificateVerificationError",
    "ConnectionStringError",
    "DNSResolutionError",
    "InsecureConfigurationError",
    "MissingDependencyError",
    "NetworkAccessError",
    "SNIRefusedError",
    "SNIUnsupportedError",
    "ServerUnreachableError",
    "TLSVersionRefusedError",
    "TLSVersionUnsupportedError",
    "check_environment",
    "connect",
    "connect_async",
    "explain",
]
