"""Every client of the process: :func:`inject_into_pymongo` and :func:`extract_from_pymongo`.

Many clients are built where no ``connect()`` can be written: inside
libraries that take only a connection string (LangChain's caches, LlamaIndex's
and Haystack's stores, Airflow's hook) and in framework configurations nobody
changed. Process-wide instrumentation is Python's established answer to that
shape of problem (``truststore.inject_into_ssl()``, OpenTelemetry's
``PymongoInstrumentor``): once injected, every ``pymongo.MongoClient`` and
``pymongo.AsyncMongoClient`` made by any code is planned and checked as
:func:`atlasconnect.connect` plans and checks its own.

The classes are not replaced: their ``__init__`` is wrapped, so the objects
stay pymongo's own (``isinstance``, ``type(client).__name__``, subclasses,
``append_metadata``). A wrapper another instrumenter put there (ddtrace,
OpenTelemetry) is wrapped in turn, in either order; extracting removes only
atlasconnect's layer, or, when another was put on top of it since, leaves it
in place and inert. Arguments are bound against the signature of the
``__init__`` being wrapped, never a copied order.

What passes through untouched: a client atlasconnect already planned (its
``tlsCAFile`` is the :class:`~atlasconnect._pymongo_internals.FlooredCAFile`
that carries the policy: ``connect()``, ``client_options()``, and pymongo's
``_duplicate`` of such a client for its encryption internals), and
pymongo's client to the local ``mongocryptd`` process of automatic
encryption, which listens on localhost without TLS and never leaves the
machine (made by ``pymongo.*.encryption``). No other pymongo-internal client
exists.

A refusal is raised from the constructor as the pymongo exception it also is,
with the module that built the client named in it: the setting to change is
in that library's configuration, which may never show a connection string.
"""

from __future__ import annotations

import functools
import inspect
import os
import ssl
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from pymongo import AsyncMongoClient, MongoClient

from . import _connection_string as connection_string
from . import _tls as tls
from . import _verification as verification
from ._exceptions import AtlasConnectError, ConnectionStringError, explanation
from ._forksafe import ForkSafeLock
from ._plan import build, make_plan
from ._pymongo_internals import FlooredCAFile

MIN_TLS_VERSION_VARIABLE = "ATLASCONNECT_MIN_TLS_VERSION"
"""The injected floor when :func:`inject_into_pymongo` is given none: ``1.1`` to ``1.3``."""


class Settings(NamedTuple):
    """What every injected client gets, given once."""

    min_tls_version: ssl.TLSVersion
    system_ca: bool | None
    dns_servers: tuple[str, ...] | None


_lock = ForkSafeLock()
_settings: Settings | None = None
"""The injection in force; None when there is none (every wrapper then passes through)."""
_CLASSES = (MongoClient, AsyncMongoClient)
_MARK = "__atlasconnect_injected__"


def inject_into_pymongo(
    *,
    min_tls_version: ssl.TLSVersion | None = None,
    system_ca: bool | None = None,
    dns_servers: Sequence[str] | str | None = None,
) -> None:
    """From now on, give every pymongo client of this process atlasconnect's policy.

    Every ``pymongo.MongoClient`` and ``pymongo.AsyncMongoClient`` made
    afterwards, by any code (motor, a framework, a library that takes only a
    connection string), is planned as :func:`connect` plans its clients: the
    same refusals, TLS on, certifi's bundle (or ``tlsCAFile``), the floor, the
    failure listener and :func:`explain`'s knowledge of it. A refusal is
    raised from the constructor, as the pymongo exception it also is.

    ``min_tls_version`` (default: the ``ATLASCONNECT_MIN_TLS_VERSION``
    variable, ``1.1`` to ``1.3``, else TLS 1.2) is also a floor for the whole
    process: a client of :func:`connect` asking for a lower one gets this one.
    ``system_ca`` and ``dns_servers`` are :func:`connect`'s; None reads their
    environment variables, as :func:`connect` does.

    Idempotent and thread-safe: injecting again replaces the settings.
    Clients made before are not changed. :func:`extract_from_pymongo` undoes it.

    .. versionadded:: 0.1.0
    """
    floor = tls.validate_min_tls_version(
        min_tls_version if min_tls_version is not None else _floor_from_environment()
    )
    servers = (dns_servers,) if isinstance(dns_servers, str) else dns_servers
    settings = Settings(floor, system_ca, tuple(servers) if servers is not None else None)
    global _settings
    with _lock:
        for client_class in _CLASSES:
            if _our_layer(client_class) is None:
                original = client_class.__dict__["__init__"]
                client_class.__init__ = _injected(original)  # type: ignore[method-assign]
        _settings = settings
        tls.set_process_floor(floor)


def extract_from_pymongo() -> None:
    """Undo :func:`inject_into_pymongo`: clients made from now on are pymongo's alone.

    Only atlasconnect's own layer is removed; one that another instrumenter
    wrapped since stays, inert. Idempotent. Clients made before keep their policy.

    .. versionadded:: 0.1.0
    """
    global _settings
    with _lock:
        _settings = None
        tls.set_process_floor(None)
        for client_class in _CLASSES:
            init = client_class.__dict__["__init__"]
            if getattr(init, _MARK, False):
                client_class.__init__ = init.__wrapped__  # type: ignore[method-assign]


def is_injected() -> bool:
    """Whether :func:`inject_into_pymongo` is in force."""
    return _settings is not None


def _our_layer(client_class: type) -> Callable[..., Any] | None:
    """atlasconnect's wrapper in the chain of ``__wrapped__`` of the class's ``__init__``."""
    init: Any = client_class.__dict__["__init__"]
    while init is not None:
        if getattr(init, _MARK, False):
            return init  # type: ignore[no-any-return]
        init = getattr(init, "__wrapped__", None)
    return None


def _floor_from_environment() -> ssl.TLSVersion:
    value = os.environ.get(MIN_TLS_VERSION_VARIABLE, "").strip()
    versions = {
        "": tls.DEFAULT_MIN_TLS_VERSION,
        **{tls.version_name(v).removeprefix("TLS "): v for v in tls.ALLOWED_MIN_TLS_VERSIONS},
    }
    if value in versions:
        return versions[value]
    raise ConnectionStringError(
        f"The {MIN_TLS_VERSION_VARIABLE} environment variable is set to a value that is not "
        "a TLS version atlasconnect takes as a floor.",
        why="it sets the TLS floor of every client of the process.",
        fix=f"set {MIN_TLS_VERSION_VARIABLE} to one of "
        f"{', '.join(k for k in versions if k)}, or unset it (TLS 1.2).",
        redacted_uri=None,
    )


def _injected(original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        settings = _settings
        if settings is None or _planned(kwargs):
            original(self, *args, **kwargs)
            return
        builder = _builder()
        if _is_mongocryptd_client(builder):
            original(self, *args, **kwargs)
            return
        keywords = _keywords(signature, self, args, kwargs)
        try:
            _initialise(original, self, keywords, settings)
        except AtlasConnectError as error:
            # The arguments hold the password as written; a half-built client's repr may
            # show other secrets (pymongo 4.13): no local of this frame may hold them.
            del self, args, kwargs, keywords
            raise _in_library(error, builder).with_traceback(None) from None

    setattr(__init__, _MARK, True)
    return __init__


def _planned(keywords: Mapping[str, Any]) -> bool:
    """Whether atlasconnect planned the client these keywords build (its CA file carries it)."""
    return any(
        name.lower() == "tlscafile" and isinstance(value, FlooredCAFile)
        for name, value in keywords.items()
    )


def _keywords(
    signature: inspect.Signature, client: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The constructor's arguments by name, as :func:`make_plan` takes them.

    Bound against the wrapped ``__init__``'s own signature: a wrong argument
    raises the TypeError pymongo itself would raise. Unset parameters are left
    out, and a client without ``host`` is pymongo's default host.
    """
    bound = signature.bind(client, *args, **kwargs)
    keywords: dict[str, Any] = {}
    for name, value in list(bound.arguments.items())[1:]:
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            keywords.update(value)
        elif kind is not inspect.Parameter.VAR_POSITIONAL and value is not None:
            keywords[name] = value
    keywords.setdefault("host", getattr(type(client), "HOST", "localhost"))
    return keywords


def _initialise(
    original: Callable[..., Any], client: Any, keywords: dict[str, Any], settings: Settings
) -> None:
    """Plan ``client`` as :func:`connect` plans its own, and build it with the plan's keywords."""
    _, keywords = connection_string.conceal(None, keywords)
    plan = make_plan(
        None,
        settings.min_tls_version,
        keywords,
        proof="client",
        system_ca=settings.system_ca,
        dns=settings.dns_servers,
    )
    watcher = verification.HeartbeatWatcher(plan.profile, verifying=False)
    client_keywords = plan.client_keywords(watcher)

    def initialised() -> Any:
        original(client, plan.uri, **client_keywords)
        return client

    build(plan, initialised)


class _Builder(NamedTuple):
    """The code that asked for a client: the first frame outside pymongo and atlasconnect."""

    module: str
    function: str
    pymongo_caller: str
    """The last pymongo module on the way (the encryption module for mongocryptd's client)."""


# Modules whose frames sit between a library and the constructor: pymongo's own,
# atlasconnect's, motor's delegation, and the wrappers of other instrumenters.
_PASSING = (
    "pymongo.",
    "atlasconnect.",
    "motor.",
    "functools",
    "wrapt.",
    "ddtrace.",
    "opentelemetry.",
)


def _builder() -> _Builder:
    frame = sys._getframe(2)
    pymongo_caller = ""
    while frame is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if not module.startswith(_PASSING) and module != "atlasconnect":
            return _Builder(module, frame.f_code.co_name, pymongo_caller)
        if module.startswith("pymongo.") and not module.endswith(".mongo_client"):
            pymongo_caller = pymongo_caller or module
        frame = frame.f_back  # type: ignore[assignment]
    return _Builder("", "", pymongo_caller)


_MONGOCRYPTD_MAKERS = ("pymongo.synchronous.encryption", "pymongo.asynchronous.encryption")


def _is_mongocryptd_client(builder: _Builder) -> bool:
    return builder.pymongo_caller in _MONGOCRYPTD_MAKERS


# Where a library keeps the setting a refusal is about, when it is not a connection string.
_CONFIGURATION_OF = {
    "airflow": 'the Airflow connection\'s extras (its "Allow Invalid Certificates" box '
    "sets allow_insecure, which becomes tlsAllowInvalidCertificates)",
    "django": "the DATABASES setting (HOST and OPTIONS)",
    "flask_pymongo": "the app's MONGO_URI and the keywords given to PyMongo()",
    "celery": "result_backend and mongodb_backend_settings",
    "mongoengine": "the arguments of mongoengine.connect() and its host URI",
}


def _in_library(error: AtlasConnectError, builder: _Builder) -> AtlasConnectError:
    """``error``, saying which code made the client and so whose configuration to change."""
    if not builder.module or builder.module == "__main__":
        return error
    package = builder.module.partition(".")[0]
    where = _CONFIGURATION_OF.get(package, f"the configuration of {package}")
    error.found = (
        f"{error.found} (The client was made by {builder.module}.{builder.function}, "
        "not by your own code.)"
    )
    error.fix = f"change the setting in {where}: {error.fix}"
    error.args = (explanation(error.found, error.why, error.fix),)
    return error
