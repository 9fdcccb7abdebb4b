"""The connection plan: everything atlasconnect decides before a client exists.

A plan is built once from what the caller gave (a URI or pymongo's ``host`` and
``port``, the TLS floor, the client keywords) by the steps of :func:`make_plan`,
in the order a person would fix what they find: read the connection string,
apply the TLS policy, check the environment, check the options and
credentials. It then holds everything the rest needs: the parsed URI, the CA
file, the floor, the profile failures are explained with, and the exact
``MongoClient`` arguments. ``connect()``, ``connect_async()`` and
``client_options()`` make plans, so they refuse the same things in the same
order with the same errors. ``check_environment()`` and the doctor read a plan
of the connection string they check (:meth:`ConnectionPlan.of`, no check made):
its CA file, its authentication mechanism, and the profile its failures are
explained with; the doctor's connection-string layer then runs ``connect()``'s
own steps. :func:`build` makes a client of a plan and proves the policy on it,
for ``connect()`` and for the clients of :func:`atlasconnect.inject_into_pymongo`.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

import certifi
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from . import _connection_string as connection_string
from . import _credentials as credentials
from . import _diagnosis as diagnosis
from . import _dns_servers as dns_servers
from . import _environment as environment
from . import _mechanisms as mechanisms
from . import _proxies as proxies
from . import _pymongo_internals
from . import _secrets as secrets
from . import _seeds as seeds
from . import _settings as settings
from . import _system_ca as system_trust
from . import _tls as tls
from . import _tls_files as tls_files
from . import _verification as verification
from ._exceptions import AtlasConnectError, ConnectionStringError
from ._pymongo_internals import FlooredCAFile

# Keywords the plan replaces: the CA file carries the floor, atlasconnect adds
# its listener.
_REPLACED = ("tlscafile", "event_listeners")


class ConnectionPlan(NamedTuple):
    """What a client of atlasconnect will be: ready to build once :func:`make_plan` made it."""

    parsed: connection_string.ConnectionString
    floor: ssl.TLSVersion
    ca_file: str
    keywords: Mapping[str, Any]
    """The caller's keywords (secrets concealed), less the ``host`` and ``port`` made the URI."""
    listeners: tuple[Any, ...]
    """The caller's ``event_listeners``."""
    system_ca: bool = False
    """Whether the clients also trust the system store (:mod:`atlasconnect._system_ca`)."""
    service_name: dns_servers.ServiceName | None = None
    """The ``srvServiceName`` that carries the DNS servers of a ``mongodb+srv://`` client's
    lookups (:mod:`atlasconnect._dns_servers`); None when pymongo makes them alone."""

    def __repr__(self) -> str:
        return connection_string.repr_of(self, ("parsed", "floor", "ca_file", "system_ca"))

    @classmethod
    def of(
        cls,
        parsed: connection_string.ConnectionString,
        floor: ssl.TLSVersion,
        keywords: Mapping[str, Any],
        listeners: tuple[Any, ...] = (),
        *,
        system_ca: bool = False,
    ) -> ConnectionPlan:
        """The plan of ``parsed`` as it is, before any check (those are :func:`make_plan`'s).

        Where the CA file is chosen: the caller's ``tlsCAFile`` (a keyword wins), else
        certifi's bundle.
        """
        ca_file = tls_files.choose_ca_file(parsed.options, keywords)
        return cls(parsed, floor, ca_file, keywords, listeners, system_ca)

    @property
    def uri(self) -> str:
        return self.parsed.uri

    @property
    def written(self) -> tls.Written:
        """The caller's TLS switches as written, to name one pymongo reads as insecure."""
        return tls.Written.of(self.parsed.written_options, self.keywords)

    @property
    def auth_mechanism(self) -> Any:
        """The ``authMechanism`` as written (a keyword wins over the URI); None without one."""
        return credentials.auth_mechanism(self.parsed, self.keywords)

    @property
    def profile(self) -> diagnosis.ConnectionProfile:
        """What explains this plan's clients' failures: the one way atlasconnect makes a
        profile of a connection string."""
        return diagnosis.ConnectionProfile(
            redacted_uri=self.parsed.redacted,
            secrets=self.parsed.secrets + secrets.keyword_secrets(self.keywords),
            ca_file=self.ca_file,
            min_tls_version=self.floor,
            srv_host=self.parsed.srv_host,
            client_certificate=tls_files.client_certificate_file(
                self.parsed.options, self.keywords
            ),
            system_ca=self.system_ca,
            dns_servers=self.service_name.servers if self.service_name else None,
        )

    def explain_construction_error(self, exc: BaseException) -> AtlasConnectError:
        """What pymongo raised while making a client of this plan, explained.

        The client certificate file it could not load, if that is what failed
        (:func:`~atlasconnect._tls.client_certificate_problem`), else what
        :func:`~atlasconnect._diagnosis.explain_construction_error` finds.
        """
        return tls_files.client_certificate_problem(
            self.parsed.options, self.keywords, self.parsed.redacted
        ) or diagnosis.explain_construction_error(exc, self.profile)

    def client_keywords(
        self, watcher: verification.HeartbeatWatcher, *, connect_now: bool = False
    ) -> dict[str, Any]:
        """The ``MongoClient`` keywords that carry the whole policy, for a client of this plan.

        TLS on (unless the caller said ``tls=true`` themselves), the CA file
        that carries the floor, and ``watcher`` after the caller's listeners.
        """
        keywords = {k: v for k, v in self.keywords.items() if k.lower() not in _REPLACED}
        keywords["tlsCAFile"] = FlooredCAFile(
            self.ca_file, self.floor, self.written, system_ca=self.system_ca
        )
        if not any(k.lower() in ("tls", "ssl") for k in self.keywords):
            keywords["tls"] = True
        if self.service_name is not None:
            keywords = {k: v for k, v in keywords.items() if k.lower() != "srvservicename"}
            keywords["srvServiceName"] = self.service_name
        keywords["event_listeners"] = [*self.listeners, watcher]
        if connect_now:
            keywords["connect"] = True
        return keywords


def check_environment(
    uri: str | None = None,
    *,
    min_tls_version: ssl.TLSVersion = tls.DEFAULT_MIN_TLS_VERSION,
    system_ca: bool | None = None,
) -> None:
    """Run every environment check now and raise the first problem found.

    ``uri`` (or, when it is None, the ``MONGODB_URI`` environment variable if
    set) decides which CA file is checked and whether dnspython is needed, and
    its ``authMechanism`` whether pymongo's ``aws`` or ``gssapi`` extra is.
    ``system_ca`` (None: the ``ATLASCONNECT_SYSTEM_CA`` environment variable)
    whether truststore is.
    Each call checks again, except that the proof that pymongo applies the TLS
    floor is remembered while pymongo's hook is still the one atlasconnect
    installed.

    .. versionadded:: 0.1.0
    """
    uri, _ = connection_string.conceal(uri, {})
    _check_environment_for(uri, min_tls_version, system_ca)


@connection_string.raised_here
def _check_environment_for(
    uri: str | None, min_tls_version: ssl.TLSVersion, system_ca: bool | None
) -> None:
    """The plan's first steps, as far as the environment: no URI is needed."""
    floor = tls.validate_min_tls_version(min_tls_version)
    if system_trust.wanted(system_ca):
        system_trust.require()
    if uri is None and seeds.uri_from_environment() is None:
        environment.run_checks(floor, certifi.where(), is_srv=False)
        return
    plan = ConnectionPlan.of(connection_string.parse(seeds.resolve(uri)), floor, {})
    environment.run_checks(floor, plan.ca_file, is_srv=plan.parsed.is_srv)
    mechanisms.check_packages(plan.auth_mechanism)


@connection_string.raised_here
def make_plan(
    uri: str | Sequence[str] | None,
    min_tls_version: ssl.TLSVersion,
    keywords: Mapping[str, Any],
    *,
    proof: environment.FloorProof,
    system_ca: bool | None = None,
    dns: Sequence[str] | str | None = None,
) -> ConnectionPlan:
    """Check everything that can be checked before a client exists; return the plan.

    ``keywords`` may hold pymongo's ``host`` (instead of ``uri``) and ``port``.
    ``proof="client"`` when atlasconnect builds the client itself and proves
    the TLS floor on it (:func:`check_built_client`); ``"probe"`` when someone
    else will. ``system_ca``: the caller's switch for the system trust store,
    None for the ``ATLASCONNECT_SYSTEM_CA`` environment variable; ``dns``: the
    caller's ``dns_servers``, None for ``ATLASCONNECT_DNS_SERVERS``. Raises the
    first problem as atlasconnect's typed error, from here, without the frames
    below (:func:`~atlasconnect._connection_string.raised_here`).
    """
    floor = tls.with_process_floor(tls.validate_min_tls_version(min_tls_version))
    uri, keywords = _seed_uri(uri, keywords)
    parsed = connection_string.parse(uri)
    plan = ConnectionPlan.of(parsed, floor, keywords, system_ca=system_trust.wanted(system_ca))
    connection_string.refuse_unix_sockets(parsed)
    proxies.refuse_proxy_options(parsed, keywords)
    tls.refuse_insecure_options(parsed.written_options, keywords)
    tls_files.refuse_trust_in_crl_file(parsed.options, keywords)
    environment.ensure_fit(floor, plan.ca_file, is_srv=parsed.is_srv, proof=proof)
    mechanisms.check_packages(plan.auth_mechanism)
    if plan.system_ca:
        system_trust.require()
    if proof == "client":
        _pymongo_internals.install_tls_floor_hook()
    else:
        _pymongo_internals.check_tls_floor_hook(plan.ca_file)
    connection_string.validate_options(parsed)
    credentials.check_password(parsed, keywords)
    tls_files.refuse_key_without_password(parsed.options, keywords)
    return plan._replace(
        listeners=_event_listeners(keywords, parsed),
        service_name=service_name_of(parsed, keywords, dns),
    )


def check_built_client(plan: ConnectionPlan, client: Any) -> None:
    """The last step of every plan: the policy, proven on what pymongo built for ``client``.

    Whatever atlasconnect's own reading of the input found, pymongo's reading
    decides: TLS on; no option, as pymongo read it, that weakens verification;
    a context that verifies certificates and host names; the CA file the plan
    chose; the floor. Raises :class:`InsecureConfigurationError` for the first
    difference, and :class:`MissingDependencyError` when pymongo no longer
    keeps these where atlasconnect reads them (an unknown state is a refusal).
    The caller closes the client.
    """
    in_use = _pymongo_internals.tls_in_use(client)
    written = plan.written
    read = dict(in_use.options)
    if in_use.allow_invalid_hostnames:  # pymongo's own switch, beside the context's
        read["tlsallowinvalidhostnames"] = True
    tls.refuse_tls_off(read, in_use.context, written)
    tls.refuse_weakened(read, written)
    tls.refuse_unverifying_context(in_use.context)
    tls.refuse_other_ca_file(read, plan.ca_file)
    _pymongo_internals.check_floor_in_use(in_use, plan.floor)
    _pymongo_internals.check_trust_in_use(in_use, system_ca=plan.system_ca)
    if plan.service_name is not None:
        _pymongo_internals.check_srv_in_use(client, plan.service_name)


# OSError: pymongo opens the files tls* keywords name; pyOpenSSL's errors pass through pymongo.
_CONSTRUCTION_ERRORS: tuple[type[Exception], ...] = (
    PyMongoError,
    ValueError,
    TypeError,
    OSError,
    *_pymongo_internals.TLS_LIBRARY_ERRORS,
)

_Client = TypeVar("_Client")


def build(plan: ConnectionPlan, make: Callable[[], _Client]) -> _Client:
    """The client ``make`` builds with the plan's keywords, checked (:func:`check_built_client`).

    What pymongo raises is explained (:meth:`ConnectionPlan.explain_construction_error`),
    and raised without the frames below and never chained: pymongo's exception
    may hold a secret. A client that fails the check is closed first.
    """
    try:
        client = make()
    except AtlasConnectError as refusal:  # the floor hook's, raised in pymongo's frames
        error: AtlasConnectError = refusal.with_traceback(None)
    except _CONSTRUCTION_ERRORS as exc:
        error = plan.explain_construction_error(exc)
    else:
        try:
            check_built_client(plan, client)
        except AtlasConnectError as failure:
            if isinstance(client, MongoClient):  # an AsyncMongoClient opens nothing until used
                client.close()
            del client  # a local holding the client would show its repr (pymongo 4.13: secrets)
            raise failure.with_traceback(None) from None
        return client
    # Raised outside the except block: pymongo's exception may hold a secret
    # and must not be chained (__context__) to the error people print.
    raise error


def _seed_uri(
    uri: str | Sequence[str] | None, keywords: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The one connection string, from ``uri`` or pymongo's ``host`` and ``port``.

    Also the keywords without those it used: ``host``, and ``port`` when it
    went into a URI made from bare host names (with a URI, ``port`` stays for
    pymongo, which takes it as the port of hosts written without one).
    """
    host = next((v for k, v in keywords.items() if k.lower() == "host"), None)
    port = next((v for k, v in keywords.items() if k.lower() == "port"), None)
    if uri is not None and host is not None:
        raise ConnectionStringError(
            "The connection string was given twice: as the first argument and as host=.",
            why="atlasconnect cannot know which of the two you meant.",
            fix="pass it once: connect(uri) or connect(host=uri).",
            redacted_uri=None,
        )
    given = uri if uri is not None else host
    resolved = seeds.resolve(given, port)
    by_name = given is not None and seeds.names_hosts(seeds.seed_list(given))
    used = ("host", "port") if by_name else ("host",)
    return resolved, {k: v for k, v in keywords.items() if k.lower() not in used}


def service_name_of(
    parsed: connection_string.ConnectionString,
    keywords: Mapping[str, Any],
    dns: Sequence[str] | str | None,
) -> dns_servers.ServiceName | None:
    """The ``srvServiceName`` that carries the DNS servers of the client's lookups.

    None for a ``mongodb://`` URI, whose hosts the operating system resolves
    (``dns_servers`` given for one is refused; the environment variable does
    not apply), and when pymongo's lookups cannot take servers and none were
    asked for.
    """
    servers = dns_servers.wanted(dns)
    if not parsed.is_srv:
        if dns is not None and servers is not None:
            raise dns_servers.not_for_hosts_error(parsed.redacted)
        return None
    if not _pymongo_internals.install_srv_hook():
        if servers is not None:
            raise _pymongo_internals.srv_hook_missing()
        return None
    chosen = settings.chosen_option("srvservicename", parsed.options, keywords)
    return dns_servers.ServiceName(chosen.value if chosen else "mongodb", servers)


def _event_listeners(
    keywords: Mapping[str, Any], parsed: connection_string.ConnectionString
) -> tuple[Any, ...]:
    """The caller's ``event_listeners``, to which atlasconnect adds its own."""
    listeners = next((v for k, v in keywords.items() if k.lower() == "event_listeners"), None)
    if listeners is None:
        return ()
    if isinstance(listeners, (list, tuple)):
        return tuple(listeners)
    raise ConnectionStringError(
        f"event_listeners must be a list of listeners, not a {type(listeners).__name__}.",
        why="pymongo takes a sequence of listeners, and atlasconnect adds its own to it.",
        fix="put the listener in a list: connect(uri, event_listeners=[listener]).",
        redacted_uri=parsed.redacted,
    )
