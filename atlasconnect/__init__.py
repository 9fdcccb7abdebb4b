"""Connect to MongoDB Atlas with TLS enforced, certifi trusted, and failures explained.

``atlasconnect.connect()`` replaces ``pymongo.MongoClient(uri)``: it checks that
this Python can reach Atlas safely, then returns a real ``MongoClient`` that
always uses TLS, trusts certifi's CA bundle and holds a TLS version floor.
Failures on the network are raised, or logged, as typed errors that name the
cause and the fix; :func:`explain` does the same for errors met later.
"""

from __future__ import annotations

from ._client import client_options, connect, connect_async
from ._diagnosis import explain
from ._exceptions import (
    AtlasConnectError,
    CABundleError,
    CompatibilityError,
    ConnectionStringError,
    InsecureConfigurationError,
    MissingDependencyError,
    SNIUnsupportedError,
    TLSVersionUnsupportedError,
)
from ._families import Family, Reason
from ._injection import extract_from_pymongo, inject_into_pymongo
from ._network_errors import (
    AuthenticationError,
    AuthorizationError,
    CertificateVerificationError,
    DNSResolutionError,
    NetworkAccessError,
    QuotaExceededError,
    ServerUnreachableError,
    SNIRefusedError,
    TLSVersionRefusedError,
)
from ._plan import check_environment
from ._version import __version__ as __version__

__all__ = [
    "AtlasConnectError",
    "AuthenticationError",
    "AuthorizationError",
    "CABundleError",
    "CertificateVerificationError",
    "CompatibilityError",
    "ConnectionStringError",
    "DNSResolutionError",
    "Family",
    "InsecureConfigurationError",
    "MissingDependencyError",
    "NetworkAccessError",
    "QuotaExceededError",
    "Reason",
    "SNIRefusedError",
    "SNIUnsupportedError",
    "ServerUnreachableError",
    "TLSVersionRefusedError",
    "TLSVersionUnsupportedError",
    "check_environment",
    "client_options",
    "connect",
    "connect_async",
    "explain",
    "extract_from_pymongo",
    "inject_into_pymongo",
]

# httpx's way: the public names live in private modules but say they are
# atlasconnect's, in reprs, tracebacks ("atlasconnect.ConnectionStringError: ...")
# and pickles, which then do not depend on where the code lives.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
