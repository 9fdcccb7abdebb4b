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
built for such a path, and refuses to return one that would not verify
certificates and host names (:func:`refuse_unverified`), whoever asked for it;
contexts of other clients are left untouched.

:func:`install_tls_floor_hook` runs for every client: it checks that the
wrapper is still the attribute pymongo calls, and wraps what is there when it
is not (first use, or another library replaced or reloaded it). The policy is
then proven on what pymongo built: :func:`tls_in_use` reads a client's context
and pymongo's own reading of its options (``client.options._options``,
``pool_options._ssl_context``), and :func:`check_floor_in_use` proves the floor
on that very context; for clients atlasconnect does not see built, probe
contexts built the way a client builds them prove the floor on each backend
(:func:`check_tls_floor_hook`). When pymongo changes, atlasconnect refuses to
connect rather than connect without its policy. :func:`is_monitor_cancellation` is not checked that
way: it only decides whether a failed heartbeat is worth a warning. Nor is :func:`login_of`: it
only names, in an explanation, the user a refused login tried, and says nothing when it cannot.

atlasconnect also reads connection strings and passwords as pymongo will, with
pymongo's own helpers, none of them documented as API or all of them moved
within pymongo before: the names of the URI options it knows
(:func:`known_uri_options`), its reading of a URI's options and of a whole URI
(:func:`split_options`, :func:`parse_uri`), its SASLprep (:func:`saslprep`),
and which TLS library its synchronous client uses (:func:`uses_pyopenssl`).
Each is guarded the same way: when pymongo no longer has it as atlasconnect
calls it, :class:`MissingDependencyError`, never an AttributeError or a
TypeError that would read as a problem of the input.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
import inspect
import ssl
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

import pymongo
import pymongo.client_options
import pymongo.errors
import pymongo.ssl_support

from . import _dns_servers as dns_servers
from . import _phrasing as phrasing
from . import _system_ca as system_trust
from . import _tls as tls
from ._exceptions import MissingDependencyError
from ._forksafe import ForkSafeLock


class FlooredCAFile(str):
    """A CA file path that also carries the TLS policy of the client it belongs to.

    Its floor, its TLS switches as the caller wrote them, so that a context
    pymongo would build without verification is refused in the caller's words,
    and whether it also trusts the operating system's store
    (:mod:`atlasconnect._system_ca`).
    """

    min_tls_version: ssl.TLSVersion
    written: tls.Written
    system_ca: bool

    def __new__(
        cls,
        path: str,
        min_tls_version: ssl.TLSVersion,
        written: tls.Written | None = None,
        *,
        system_ca: bool = False,
    ) -> FlooredCAFile:
        instance = super().__new__(cls, path)
        instance.min_tls_version = min_tls_version
        instance.written = written if written is not None else tls.Written()
        instance.system_ca = system_ca
        return instance


_install_lock = ForkSafeLock()
_installed_hook: Callable[..., Any] | None = None
"""The wrapper atlasconnect last installed, or None before the first client."""
_proven_hook: Callable[..., Any] | None = None
"""The wrapper last proven on probe contexts of every backend in use."""


def uses_pyopenssl() -> bool:
    """Whether pymongo's synchronous client uses pyOpenSSL (``pymongo[ocsp]``) here.

    ``pymongo.ssl_support.HAVE_PYSSL``; the async client always uses stdlib ssl.
    """
    have_pyssl = getattr(pymongo.ssl_support, "HAVE_PYSSL", None)
    if not isinstance(have_pyssl, bool):
        raise _hook_missing("pymongo.ssl_support.HAVE_PYSSL")
    return have_pyssl


def _tls_library_errors() -> tuple[type[Exception], ...]:
    # At import, where no error may be raised: pyOpenSSL's errors are caught whenever
    # pyOpenSSL is there and pymongo no longer says whether it uses it.
    if getattr(pymongo.ssl_support, "HAVE_PYSSL", True) is False:
        return ()
    try:
        return (importlib.import_module("OpenSSL.SSL").Error,)
    except ImportError:
        return ()


TLS_LIBRARY_ERRORS = _tls_library_errors()
"""What the pyOpenSSL backend raises, unwrapped by pymongo, when it cannot load a file.

The stdlib backend's ``ssl.SSLError`` is an ``OSError`` and needs no entry.
"""


def is_monitor_cancellation(error: BaseException) -> bool:
    """Whether a heartbeat "failed" only because its client was closed."""
    cancelled = getattr(pymongo.errors, "_OperationCancelled", None)
    return cancelled is not None and isinstance(error, cancelled)


class Login(NamedTuple):
    """Who a client logs in as: never the password."""

    user: str | None
    """The user name; None for a mechanism that takes it from elsewhere (MONGODB-X509)."""
    source: str
    """The authSource, as pymongo resolved it (``admin``, a database, ``$external``)."""
    mechanism: str
    """The authMechanism, ``"DEFAULT"`` when the client names none (SCRAM, negotiated)."""


def login_of(client: Any) -> Login | None:
    """The login ``client`` (a pymongo client) tries; None without one, or if pymongo moved it.

    pymongo resolves the user, authSource and mechanism from the URI, its TXT
    record and the keywords into ``client.options.pool_options._credentials``, which no
    public attribute exposes.
    """
    if not isinstance(client, (pymongo.MongoClient, pymongo.AsyncMongoClient)):
        return None
    credentials = getattr(client.options.pool_options, "_credentials", None)
    source = getattr(credentials, "source", None)
    user = getattr(credentials, "username", None)
    if not isinstance(source, str):
        return None
    mechanism = str(getattr(credentials, "mechanism", "DEFAULT"))
    return Login(user if isinstance(user, str) else None, source, mechanism)


TLSBackend = Literal["stdlib", "pyopenssl"]
"""The TLS library of pymongo's synchronous client (its async client always uses stdlib ssl)."""


def tls_backend() -> TLSBackend:
    """Which TLS library pymongo's synchronous client uses here."""
    return "pyopenssl" if uses_pyopenssl() else "stdlib"


def install_tls_floor_hook() -> bool:
    """Make sure the floor hook is the attribute pymongo calls; True when it was (re)installed.

    Cheap when it is: an identity check. When it is not (the first client of
    the process, or another library replaced, wrapped or reloaded it), wrap
    what is there now. The floor is then unproven until :func:`prove_tls_floor`
    or :func:`check_floor_in_use` proves it.
    """
    global _installed_hook
    if _hook_in_place():
        return False
    with _install_lock:
        if _hook_in_place():
            return False
        current = _current_hook()
        if current is None or not _takes_ca_certs(current):
            raise _hook_missing("pymongo.client_options.get_ssl_context(ca_certs=...)")
        _installed_hook = _with_floor(current)
        pymongo.client_options.get_ssl_context = _installed_hook  # type: ignore[attr-defined]
        return True


def check_tls_floor_hook(ca_file: str) -> int | None:
    """Install the floor hook if needed, and prove it before any client exists.

    For clients atlasconnect will not see built (``client_options()``) and for
    the environment check. The proof builds contexts the way clients do, on
    every backend in use, trusting ``ca_file`` (the file the clients will use,
    so that the proof never depends on certifi's bundle), and returns how many
    CA certificates the stdlib one loaded; None when this hook was proven
    already and nothing was loaded. A failed proof puts pymongo's previous
    function back and raises :class:`MissingDependencyError`, or what loading
    ``ca_file`` raised.
    """
    global _proven_hook
    previous = _current_hook()
    install_tls_floor_hook()
    if _proven_hook is not None and _proven_hook is _installed_hook:
        return None
    try:
        certificates = _prove_floor_applies(ca_file)
    except BaseException:
        with _install_lock:
            pymongo.client_options.get_ssl_context = previous  # type: ignore[attr-defined,assignment]
        raise
    _proven_hook = _installed_hook
    return certificates


class TLSInUse(NamedTuple):
    """What a client's connections will use, read back from the objects pymongo built."""

    options: Mapping[str, Any]
    """Every option as pymongo read it (URI and keywords, normalised), names in lower case."""
    context: Any
    """The SSL context of every connection (stdlib or pyOpenSSL); None when TLS is off."""
    allow_invalid_hostnames: bool
    """pymongo's own host name switch, which it consults beside the context's."""


def tls_in_use(client: Any) -> TLSInUse:
    """Read what ``client`` (a pymongo client) will use for TLS, from pymongo's own objects.

    pymongo keeps its reading of the options in ``client.options._options``
    and the context in ``client.options.pool_options._ssl_context``, which no
    public attribute exposes. Fails closed: when pymongo moved either, raise
    :class:`MissingDependencyError` rather than guess.
    """
    client_options = _read(client, "options", "MongoClient.options")
    options = _read(client_options, "_options", "ClientOptions._options")
    pool_options = _read(client_options, "pool_options", "ClientOptions.pool_options")
    context = _read(pool_options, "_ssl_context", "PoolOptions._ssl_context")
    allow = _read(
        pool_options, "tls_allow_invalid_hostnames", "PoolOptions.tls_allow_invalid_hostnames"
    )
    if not isinstance(options, Mapping) or not isinstance(allow, bool):
        raise _internal_missing("ClientOptions._options as a mapping", _POLICY)
    return TLSInUse({str(k).lower(): v for k, v in options.items()}, context, allow)


def _read(owner: object, name: str, what: str) -> Any:
    try:
        return getattr(owner, name)
    except AttributeError:
        raise _internal_missing(what, _POLICY) from None


def check_floor_in_use(in_use: TLSInUse, floor: ssl.TLSVersion) -> None:
    """Prove the floor on the context a client itself built.

    Every client builds its context when it is made (a ``mongodb+srv://``
    client builds it again after its lookup, through the same hook), so this
    proves the floor where it matters, at no cost, instead of building a probe
    context that would load the CA file once more.
    """
    lowest = lowest_offered_version(in_use.context)
    if lowest is None or lowest < tls.effective_min_tls_version(floor):
        raise _hook_missing(
            f"{type(in_use.context).__module__}.{type(in_use.context).__name__} creation "
            "through pymongo.client_options.get_ssl_context"
        )


def check_trust_in_use(in_use: TLSInUse, *, system_ca: bool) -> None:
    """Prove that a client asked to trust the system store has a context that does.

    A client not asked to may have one too: ``truststore.inject_into_ssl()``,
    called by the application before ``import pymongo``, gives one to every client.
    """
    if system_ca and not system_trust.is_system_context(in_use.context):
        raise _hook_missing(
            "a truststore.SSLContext in place of the one pymongo.client_options.get_ssl_context "
            "returns"
        )


def _hook_in_place() -> bool:
    return _installed_hook is not None and _current_hook() is _installed_hook


def _current_hook() -> Callable[..., Any] | None:
    return getattr(pymongo.client_options, "get_ssl_context", None)


def _takes_ca_certs(function: Callable[..., Any]) -> bool:
    try:
        return "ca_certs" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _with_floor(original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    @functools.wraps(original)
    def get_ssl_context(*args: Any, **kwargs: Any) -> Any:
        context = original(*args, **kwargs)
        arguments = signature.bind(*args, **kwargs).arguments
        ca_certs = arguments.get("ca_certs")
        if isinstance(ca_certs, FlooredCAFile):
            if ca_certs.system_ca:
                context = _with_system_store(context, ca_certs, arguments, signature)
            refuse_unverified(context, arguments, ca_certs.written)
            enforce_floor(context, tls.effective_min_tls_version(ca_certs.min_tls_version))
        return context

    return get_ssl_context


def _with_system_store(
    context: Any, ca_file: str, arguments: Mapping[str, Any], signature: inspect.Signature
) -> Any:
    """The context pymongo built, made to trust the system store too (its files loaded again)."""
    if not isinstance(context, ssl.SSLContext):  # pyOpenSSL's, for the synchronous client
        raise system_trust.pyopenssl_refusal()
    if not set(_FILE_ARGUMENTS) <= set(signature.parameters):
        raise _hook_missing(f"pymongo.client_options.get_ssl_context({', '.join(_FILE_ARGUMENTS)})")
    return system_trust.like(
        context,
        ca_file,
        certfile=arguments.get("certfile"),
        passphrase=arguments.get("passphrase"),
        crlfile=arguments.get("crlfile"),
    )


# get_ssl_context's arguments that name files a system-store context loads again.
_FILE_ARGUMENTS = ("certfile", "passphrase", "crlfile")

# get_ssl_context's arguments that weaken verification, as the options pymongo read.
_WEAKENING_ARGUMENTS = {
    "allow_invalid_certificates": "tlsallowinvalidcertificates",
    "allow_invalid_hostnames": "tlsallowinvalidhostnames",
    "disable_ocsp_endpoint_check": "tlsdisableocspendpointcheck",
}


def refuse_unverified(context: Any, arguments: Mapping[str, Any], written: tls.Written) -> None:
    """No context pymongo builds for atlasconnect's CA file skips a verification.

    Whoever asked for it: a client of :func:`atlasconnect.connect`, or one a
    framework made from :func:`atlasconnect.client_options` with an option of
    its own added. Raises :class:`InsecureConfigurationError` naming the
    options as pymongo read them (its arguments), and for a context that does
    not verify although no argument says why, the context's own settings.
    """
    read = {option: arguments.get(name) for name, option in _WEAKENING_ARGUMENTS.items()}
    tls.refuse_weakened(read, written)
    tls.refuse_unverifying_context(context)


def enforce_floor(context: object, floor: ssl.TLSVersion) -> None:
    """Raise the minimum TLS version of a stdlib or pymongo-pyOpenSSL context."""
    if isinstance(context, ssl.SSLContext):
        tls.raise_floor(context, floor)
        return
    # pymongo.pyopenssl_context.SSLContext keeps the OpenSSL.SSL.Context in _ctx.
    # OpenSSL's TLS1_x_VERSION numbers are the values of ssl.TLSVersion.
    openssl_context = getattr(context, "_ctx", None)
    set_min_proto_version = getattr(openssl_context, "set_min_proto_version", None)
    if set_min_proto_version is None:
        raise _hook_missing(f"a settable minimum TLS version on {type(context).__name__}")
    set_min_proto_version(int(floor))


def _prove_floor_applies(ca_file: str) -> int:
    """Build contexts the way clients do, on each backend in use, and check their floor.

    Returns how many CA certificates the stdlib context loaded from ``ca_file``.
    """
    certificates = 0
    probe = FlooredCAFile(ca_file, ssl.TLSVersion.TLSv1_3)
    parse_ssl_options = getattr(pymongo.client_options, "_parse_ssl_options", None)
    if parse_ssl_options is None:
        raise _hook_missing("pymongo.client_options._parse_ssl_options")
    # The second argument, is_sync, picks the backend: the async client always uses stdlib ssl.
    for is_sync in (False, True) if uses_pyopenssl() else (False,):
        context, _ = parse_ssl_options({"tls": True, "tlscafile": probe}, is_sync)
        if lowest_offered_version(context) != ssl.TLSVersion.TLSv1_3:
            raise _hook_missing(
                f"{type(context).__module__}.{type(context).__name__} creation through "
                "pymongo.client_options.get_ssl_context"
            )
        if isinstance(context, ssl.SSLContext):
            certificates = int(context.cert_store_stats()["x509"])
    return certificates


def lowest_offered_version(context: object) -> int | None:
    """The lowest TLS version a client using ``context`` would offer, None if unknown.

    A stdlib context says so itself. pyOpenSSL's has no getter, so a
    connection over memory is started with it and its ClientHello is read.
    """
    if isinstance(context, ssl.SSLContext):
        return int(context.minimum_version)
    openssl_context = getattr(context, "_ctx", None)
    if openssl_context is None:
        return None
    openssl = importlib.import_module("OpenSSL.SSL")
    from . import _client_hello as client_hello  # pyOpenSSL's backend only: not at import

    connection = openssl.Connection(openssl_context, None)
    connection.set_connect_state()
    with contextlib.suppress(openssl.WantReadError):
        connection.do_handshake()
    versions = client_hello.offered_versions(connection.bio_read(_MAX_RECORD))
    return min(versions) if versions else None


_MAX_RECORD = 1 << 16


# The DNS servers of a client, for its SRV and TXT lookups.

_SRV_MODULES = {
    "pymongo.synchronous.srv_resolver": False,
    "pymongo.asynchronous.srv_resolver": True,
}
_lookup_servers: contextvars.ContextVar[dns_servers.ServiceName | None] = contextvars.ContextVar(
    "atlasconnect_lookup_servers", default=None
)
_SRV_LOOKUPS = "looks up a mongodb+srv:// name with the client's own DNS servers"


def install_srv_hook() -> bool:
    """Give pymongo's SRV and TXT lookups the DNS servers of the client that makes them.

    pymongo makes a ``_SrvResolver`` for each lookup (the first, and each rescan
    in its monitor thread), whose methods call the module's ``_resolve``. The
    methods are wrapped to set, for the duration of the call (a context
    variable: this thread or task only), the servers the resolver's
    ``srvServiceName`` carries (:class:`~atlasconnect._dns_servers.ServiceName`),
    and ``_resolve`` to use them, retrying a timeout once. A resolver of any
    other client has a plain ``str`` and is left alone. Returns False when
    pymongo no longer has these internals as atlasconnect wraps them.

    Cheap when the hook is in place: the internals are compared, by identity,
    with those it was installed and proven on (as for the floor hook).
    """
    global _installed_srv_hook
    if _installed_srv_hook is not None and _installed_srv_hook == _srv_internals():
        return True
    with _install_lock:
        for name, is_async in _SRV_MODULES.items():
            module = _module(name)
            resolver_class = getattr(module, "_SrvResolver", None)
            resolve = getattr(module, "_resolve", None)
            methods = {m: getattr(resolver_class, m, None) for m in _SRV_METHODS}
            if resolve is None or None in methods.values():
                return False
            if not _keeps_service_name(resolver_class):
                return False
            if not getattr(resolve, _WRAPPED, False):
                module._resolve = _with_servers(resolve, is_async=is_async)
            for method_name, method in methods.items():
                if method is not None and not getattr(method, _WRAPPED, False):
                    setattr(resolver_class, method_name, _scoped(method, is_async=is_async))
        _installed_srv_hook = _srv_internals()
    return True


_SRV_METHODS = ("get_options", "_resolve_uri")
_installed_srv_hook: tuple[Any, ...] | None = None
"""The internals the SRV hook was last installed and proven on; None before the first."""


def _srv_internals() -> tuple[Any, ...]:
    """What the SRV hook wraps, as pymongo has it now: each module's ``_resolve``,
    ``_SrvResolver`` and its wrapped methods."""
    found: list[Any] = []
    for name in _SRV_MODULES:
        module = _module(name)
        resolver_class = getattr(module, "_SrvResolver", None)
        found += [getattr(module, "_resolve", None), resolver_class]
        found += [getattr(resolver_class, method, None) for method in _SRV_METHODS]
    return tuple(found)


_WRAPPED = "__atlasconnect_wrapped__"


def _keeps_service_name(resolver_class: Any) -> bool:
    """Whether a ``_SrvResolver`` keeps the ``srvServiceName`` it is given where the wrapped
    methods read it: otherwise they would find no servers, and the system's would answer."""
    service = dns_servers.ServiceName("mongodb", None)
    try:
        probe = resolver_class("cluster0.example.test", 1.0, service)
    except Exception:  # a changed constructor: not the internal atlasconnect wraps
        return False
    return getattr(probe, "_SrvResolver__srv", None) is service


def _with_servers(resolve: Callable[..., Any], *, is_async: bool) -> Callable[..., Any]:
    if is_async:

        async def resolve_async(*args: Any, **kwargs: Any) -> Any:
            service = _lookup_servers.get()
            if service is None:
                return await resolve(*args, **kwargs)
            return await dns_servers.lookup_async(resolve, service.servers, *args, **kwargs)

        setattr(resolve_async, _WRAPPED, True)
        return resolve_async

    def resolve_sync(*args: Any, **kwargs: Any) -> Any:
        service = _lookup_servers.get()
        if service is None:
            return resolve(*args, **kwargs)
        return dns_servers.lookup(resolve, service.servers, *args, **kwargs)

    setattr(resolve_sync, _WRAPPED, True)
    return resolve_sync


def _scoped(method: Callable[..., Any], *, is_async: bool) -> Callable[..., Any]:
    def service_of(resolver: object) -> dns_servers.ServiceName | None:
        service = getattr(resolver, "_SrvResolver__srv", None)
        return service if isinstance(service, dns_servers.ServiceName) else None

    if is_async:

        @functools.wraps(method)
        async def scoped_async(self: Any, *args: Any, **kwargs: Any) -> Any:
            token = _lookup_servers.set(service_of(self))
            try:
                return await method(self, *args, **kwargs)
            finally:
                _lookup_servers.reset(token)

        setattr(scoped_async, _WRAPPED, True)
        return scoped_async

    @functools.wraps(method)
    def scoped_sync(self: Any, *args: Any, **kwargs: Any) -> Any:
        token = _lookup_servers.set(service_of(self))
        try:
            return method(self, *args, **kwargs)
        finally:
            _lookup_servers.reset(token)

    setattr(scoped_sync, _WRAPPED, True)
    return scoped_sync


def check_srv_in_use(client: Any, service: dns_servers.ServiceName) -> None:
    """Prove that pymongo keeps ``service`` as the client's ``srvServiceName``, where its
    lookups, first and rescans, read it (``_resolve_srv_info``, then the topology's settings)."""
    info = getattr(client, "_resolve_srv_info", None)
    keyword_options = info.get("keyword_opts") if isinstance(info, Mapping) else None
    kept = keyword_options.get("srvservicename") if keyword_options is not None else None
    if kept is not service:
        raise _internal_missing("MongoClient._resolve_srv_info['keyword_opts']", _SRV_LOOKUPS)


def srv_hook_missing() -> MissingDependencyError:
    """The error for DNS servers asked of a pymongo whose SRV lookups cannot take them."""
    return _internal_missing("srv_resolver._SrvResolver and _resolve", _SRV_LOOKUPS)


# Reading connection strings and passwords as pymongo does.


@functools.cache
def known_uri_options() -> frozenset[str]:
    """The URI options pymongo knows, in lower case (``pymongo.common``'s validator map)."""
    validators = getattr(_module("pymongo.common"), "URI_OPTIONS_VALIDATOR_MAP", None)
    if not isinstance(validators, Mapping) or not validators:
        raise _internal_missing("pymongo.common.URI_OPTIONS_VALIDATOR_MAP", _READING)
    return frozenset(str(name).lower() for name in validators)


def split_options(query: str, *, validate: bool) -> Mapping[str, Any]:
    """pymongo's reading of a URI's options (``pymongo.uri_parser.split_options``): a mapping
    of names in any letter case; with ``validate``, each value checked as a client checks it.

    Raises what pymongo raises for options it refuses (PyMongoError, ValueError,
    TypeError, OSError for a file it cannot open).
    """
    split = _uri_parser_function("split_options", ("validate", "warn", "normalize"))
    return split(query, validate=validate, warn=False, normalize=False)  # type: ignore[no-any-return]


def parse_uri(
    uri: str, *, connect_timeout: float | None, srv_service_name: str | None = None
) -> dict[str, Any]:
    """pymongo's reading of a whole URI (``pymongo.uri_parser.parse_uri``): ``nodelist``,
    ``username``, ``password``, ``database`` and ``options``, a ``mongodb+srv://`` name
    looked up within ``connect_timeout`` seconds (with the DNS servers ``srv_service_name``
    carries, when it is a :class:`~atlasconnect._dns_servers.ServiceName`).

    Raises what pymongo raises for a URI it refuses or a lookup that fails.
    """
    parse = _uri_parser_function("parse_uri", ("connect_timeout", "srv_service_name"))
    result = parse(uri, connect_timeout=connect_timeout, srv_service_name=srv_service_name)
    if not isinstance(result, dict) or not result.keys() >= _PARSED_URI_KEYS:
        raise _internal_missing("pymongo.uri_parser.parse_uri's nodelist, options...", _READING)
    return result


_PARSED_URI_KEYS = frozenset({"nodelist", "username", "password", "database", "options"})


def saslprep(password: str) -> str:
    """``password`` prepared by pymongo's SASLprep (RFC 4013), as SCRAM-SHA-256 will prepare
    it; ValueError when SASLprep refuses one of its characters."""
    prepare = getattr(_module("pymongo.saslprep"), "saslprep", None)
    if not callable(prepare):
        raise _internal_missing("pymongo.saslprep.saslprep", _SASLPREP)
    return str(prepare(password))


def _module(name: str) -> Any:
    """pymongo's module ``name``; None when pymongo has no such module any more."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


@functools.cache
def _uri_parser_function(name: str, keywords: tuple[str, ...]) -> Callable[..., Any]:
    """``pymongo.uri_parser``'s function ``name``, if it still takes ``keywords``."""
    function = getattr(_module("pymongo.uri_parser"), name, None)
    try:
        parameters = inspect.signature(function).parameters if callable(function) else {}
    except (TypeError, ValueError):
        parameters = {}
    if not all(keyword in parameters for keyword in keywords):
        arguments = "=..., ".join(keywords)
        raise _internal_missing(f"pymongo.uri_parser.{name}({arguments}=...)", _READING)
    return function  # type: ignore[return-value]


_FLOOR = "enforces its TLS floor"
_POLICY = "checks that every connection verifies certificates and host names"
_READING = "reads a connection string as pymongo will"
_SASLPREP = "checks a password as SCRAM-SHA-256 will prepare it"


def _hook_missing(what: str) -> MissingDependencyError:
    return _internal_missing(what, _FLOOR)


def _internal_missing(what: str, purpose: str) -> MissingDependencyError:
    install = phrasing.pip_install("'pymongo>=4.13,<5'")
    return MissingDependencyError(
        f"pymongo {pymongo.__version__} no longer has {what}, the internal through which "
        f"atlasconnect {purpose}.",
        why="atlasconnect refuses to connect rather than connect without the TLS policy "
        "it promises.",
        fix=f"install a pymongo release atlasconnect supports: {install}, and report this "
        "pymongo version to atlasconnect's issue tracker.",
        package="pymongo",
        installed_version=pymongo.__version__,
    )
