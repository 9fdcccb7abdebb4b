"""Connect to MongoDB Atlas with TLS enforced, certifi trusted, and failures explained.

``atlasconnect.connect()`` replaces ``pymongo.MongoClient(uri)``: it checks that
this Python can reach Atlas safely, then returns a real ``MongoClient`` that
always uses TLS, trusts certifi's CA bundle and holds a TLS version floor.
"""

from __future__ import annotations

from importlib.metadata import version as _version

from .client import connect, connect_async
from .environment import check_environment
from .exceptions import (
    AtlasConnectError,
    CABundleError,
    ConnectionStringError,
    InsecureConfigurationError,
    MissingDependencyError,
    SNIUnsupportedError,
    TLSVersionUnsupportedError,
)

__version__ = _version("atlasconnect")

__all__ = [
    "AtlasConnectError",
    "CABundleError",
    "ConnectionStringError",
    "InsecureConfigurationError",
    "MissingDependencyError",
    "SNIUnsupportedError",
    "TLSVersionUnsupportedError",
    "check_environment",
    "connect",
    "connect_async",
]
