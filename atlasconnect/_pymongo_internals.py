"""The one place where atlasconnect relies on private pymongo internals.

pymongo has no public option for a TLS floor (``tlsMinVersion`` is an unknown
option), so atlasconnect wraps ``pymongo.client_options.get_ssl_context``, the
module attribute through which pymongo builds the SSLContext of every client:
at construction, and again after a ``mongodb+srv://`` lookup, which for
``connect=False`` happens at the first operation, possibly in another thread.

The floor must apply to atlasconnect's clients only, so it travels with the
client's own options: atlasconnect passes ``tlsCAFile`` as a
:class:`FlooredCAFile`, a ``str`` (the CA path pymongo expects) that also
carries the floor. The wrapper raises the minimum TLS version of any context
built for such a path; contexts of other clients are left untouched.

Everything here is checked by :func:`check_tls_floor_hook` before the first
connection, and by tests run on the oldest and newest supported pymongo. When
pymongo changes, atlasconnect refuses to connect rather than connect without
its floor.
"""

from __future__ import annotations

import functools
import inspect
import ssl
import sys
from collections.abc import Callable
from typing import Any

import certifi
import pymongo
import pymongo.client_options
import pymongo.errors
import pymongo.ssl_support

from ._forksafe import ForkSafeLock
from .exceptions import MissingDependencyError
from .tls import effective_min_tls_version, raise_floor


class FlooredCAFile(str):
    """A CA file path that also carries the TLS floor of the client it belongs to."""

    min_tls_version: ssl.TLSVersion

    def __new__(cls, path: str, min_tls_version: ssl.TLSVersion) -> FlooredCAFile:
        instance = super().__new__(cls, path)
        instance.min_tls_version = min_tls_version
        return instance


_install_lock = ForkSafeLock()
_hook_verified = False


def is_monitor_cancellation(error: BaseException) -> bool:
    """Whether a heartbeat "failed" only because its client was closed."""
    cancelled = getattr(pymongo.errors, "_OperationCancelled", None)
    return cancelled is not None and isinstance(error, cancelled)


def tls_backend() -> str:
    """Which TLS library pymongo's synchronous client uses here."""
    if pymongo.ssl_support.HAVE_PYSSL:
        return "pyOpenSSL (synchronous client), stdlib ssl (async client)"
    return "stdlib ssl"


def check_tls_floor_hook() -> None:
    """Install the floor hook once per process and prove that pymongo calls it.

    Raises :class:`MissingDependencyError` when this pymongo no longer builds
    its contexts the way atlasconnect relies on.
    """
    global _hook_verified
    with _install_lock:
        if _hook_verified:
            return
        original = getattr(pymongo.client_options, "get_ssl_context", None)
        if original is None or "ca_certs" not in inspect.signature(original).parameters:
            raise _hook_missing("pymongo.client_options.get_ssl_context(ca_certs=...)")
        if not getattr(original, "_atlasconnect_floor", False):
            pymongo.client_options.get_ssl_context = _with_floor(original)  # type: ignore[attr-defined]
        _prove_floor_applies()
        _hook_verified = True


def _with_floor(original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    @functools.wraps(original)
    def get_ssl_context(*args: Any, **kwargs: Any) -> Any:
        context = original(*args, **kwargs)
        ca_certs = signature.bind(*args, **kwargs).arguments.get("ca_certs")
        if isinstance(ca_certs, FlooredCAFile):
            enforce_floor(context, effective_min_tls_version(ca_certs.min_tls_version))
        return context

    get_ssl_context._atlasconnect_floor = True  # type: ignore[attr-defined]
    return get_ssl_context


def enforce_floor(context: object, floor: ssl.TLSVersion) -> None:
    """Raise the minimum TLS version of a stdlib or pymongo-pyOpenSSL context."""
    if isinstance(context, ssl.SSLContext):
        raise_floor(context, floor)
        return
    # pymongo.pyopenssl_context.SSLContext keeps the OpenSSL.SSL.Context in _ctx.
    # OpenSSL's TLS1_x_VERSION numbers are the values of ssl.TLSVersion.
    openssl_context = getattr(context, "_ctx", None)
    set_min_proto_version = getattr(openssl_context, "set_min_proto_version", None)
    if set_min_proto_version is None:
        raise _hook_missing(f"a settable minimum TLS version on {type(context).__name__}")
    set_min_proto_version(int(floor))


def _prove_floor_applies() -> None:
    """Build a context the way a client does and check that it carries the floor."""
    probe = FlooredCAFile(certifi.where(), ssl.TLSVersion.TLSv1_3)
    parse_ssl_options = getattr(pymongo.client_options, "_parse_ssl_options", None)
    if parse_ssl_options is None:
        raise _hook_missing("pymongo.client_options._parse_ssl_options")
    # The async client always uses the stdlib ssl module, whose floor can be read back.
    context, _ = parse_ssl_options({"tls": True, "tlscafile": probe}, False)
    if getattr(context, "minimum_version", None) != ssl.TLSVersion.TLSv1_3:
        raise _hook_missing("SSLContext creation through pymongo.client_options.get_ssl_context")


def _hook_missing(what: str) -> MissingDependencyError:
    return MissingDependencyError(
        f"pymongo {pymongo.__version__} no longer has {what}, the internal through which "
        "atlasconnect enforces its TLS floor.",
        why="atlasconnect refuses to connect rather than connect without the TLS floor "
        "it promises.",
        fix=f"install a pymongo release atlasconnect supports: {sys.executable} -m pip install "
        "'pymongo>=4.13,<5', and report this pymongo version to atlasconnect's issue tracker.",
        package="pymongo",
        installed_version=pymongo.__version__,
    )
