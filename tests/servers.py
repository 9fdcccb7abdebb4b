"""Real servers on 127.0.0.1 for tests: MongoDB wire, TLS front ends, DNS.

Everything here listens on 127.0.0.1 port 0 (the kernel picks a free port,
read back from the socket), so tests never collide and never reach another
address. Nothing is mocked: the driver under test does real TCP, real TLS
handshakes and real DNS queries. The one redirect is `use_fake_dns`, which
points the name lookups of made-up names at loopback.

Plain module, no pytest: fixtures live in conftest.py.
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote_plus, urlencode

import dns.asyncresolver
import dns.resolver
import pymongo
import secantus
import secantus.commands
import trustme
from dnslib import QTYPE, RCODE, RR, SRV, TXT, DNSError
from dnslib.server import DNSLogger, DNSServer

LOOPBACK = "127.0.0.1"

# An SNI hook for TLSProxy: gets the name the client sent (None when it sent
# none, as for an IP-literal host) and returns None to go on, or an
# ssl.ALERT_DESCRIPTION_* value to fail the handshake with that alert.
SniHook = Callable[[str | None], int | None]

_S = TypeVar("_S", bound="_Startable")


class _Startable:
    """Context-manager boilerplate shared by the servers below."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self: _S) -> _S:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _wake(sock: socket.socket) -> None:
    """Wake a thread blocked in accept()/recv()/a handshake on `sock`.

    On Linux close() does not wake such a thread, shutdown() does; and
    closing an fd another thread is using is racy, so that thread closes it.
    Errors are expected (the peer may be gone already) and ignored.
    """
    with contextlib.suppress(OSError):
        # socket.socket.shutdown, not SSLSocket.shutdown: the latter drops the
        # SSL object under the feet of the thread still using it.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


# --------------------------------------------------------------------------
# MongoDB wire server
# --------------------------------------------------------------------------


class _AdvertisingSecantus(secantus.SecantusDBServer):  # type: ignore[misc]
    """SecantusDB whose replica-set `hello` can name another host:port.

    In replica-set mode SecantusDB advertises its own bind address
    (127.0.0.1:port) as `me`/`hosts`/`primary`, and the driver then drops the
    seed it was given and connects to that address directly, bypassing any
    TLSProxy in front. Overriding `address` (read per command) lets a test
    advertise the proxy's name instead, as an Atlas node advertises
    `shard-00-00.xxx.mongodb.net:27017`.
    """

    advertise: tuple[str, int] | None = None

    @property
    def address(self) -> tuple[str, int]:
        if self.advertise is not None:
            return self.advertise
        host, port = super().address
        return str(host), int(port)


@contextlib.contextmanager
def hello_rewritten(
    server: MongoServer, rewrite: Callable[[dict[str, Any]], None]
) -> Iterator[None]:
    """`server`'s `hello` answers, changed in place by `rewrite`, while inside.

    SecantusDB answers `hello`, `isMaster` and `ismaster` with one handler of its
    command table (`secantus.commands._HANDLERS`); this wraps it for the
    connections to `server` alone, so that a real server answers as one in
    another state would: a member of a set not yet initiated, a server of
    another wire version. Its other commands are unchanged.
    """
    names = ("hello", "isMaster", "ismaster")
    table: dict[str, Callable[[dict[str, Any], Any], dict[str, Any]]] = secantus.commands._HANDLERS
    original = {name: table[name] for name in names}

    def hello(doc: dict[str, Any], ctx: Any) -> dict[str, Any]:
        answer = original["hello"](doc, ctx)
        if ctx.server_address is not None and ctx.server_address[1] == server.port:
            rewrite(answer)
        return answer

    table.update(dict.fromkeys(names, hello))
    try:
        yield
    finally:
        table.update(original)


def as_ghost(answer: dict[str, Any]) -> None:
    """A `hello` rewrite: a replica-set member with no configuration (not initiated, or
    removed from its set), which pymongo calls RSGhost: `isreplicaset: true`, no set name."""
    for key in ("setName", "setVersion", "hosts", "primary", "me", "electionId", "secondary"):
        answer.pop(key, None)
    answer.update(isWritablePrimary=False, ismaster=False, isreplicaset=True)


def _query(options: dict[str, str | int | bool]) -> str:
    """`?a=b&c=true` (booleans as the URI spells them), or "" for no options."""
    values = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in options.items()}
    return f"?{urlencode(values)}" if values else ""


class MongoServer(_Startable):
    """An in-process SecantusDB (MongoDB 8.x wire protocol) on 127.0.0.1.

    Plaintext, or TLS when `cert_file`/`key_file` are given (one combined PEM
    may serve as both). A root user `username`/`password` is created while
    auth is off, then auth is required for every new connection.

    `replica_set=None` is a standalone. Note the driver drops a standalone
    it reached through more than one seed (SDAM rule), so a multi-host
    mongodb+srv:// test needs `replica_set=` set and `advertise` pointed at
    one of the seeds (see `_AdvertisingSecantus`).
    """

    host = LOOPBACK

    def __init__(
        self,
        username: str,
        password: str,
        *,
        cert_file: str | None = None,
        key_file: str | None = None,
        replica_set: str | None = None,
        client_ca_file: str | None = None,
        client_cert_file: str | None = None,
    ) -> None:
        """`client_ca_file`: require TLS clients to present a certificate signed by it;
        `client_cert_file` is the one this harness presents to provision the user."""
        self.username = username
        self.client_cert_file = client_cert_file
        self.password = password
        self.tls = cert_file is not None
        self.replica_set = replica_set
        self.port = 0
        self._server = _AdvertisingSecantus(
            host=LOOPBACK,
            port=0,
            storage_path=":memory:",
            replica_set_name=replica_set,
            tls_cert_file=cert_file,
            tls_key_file=key_file,
            tls_ca_file=client_ca_file,
            tls_require_client_cert=client_ca_file is not None,
        )

    @property
    def advertise(self) -> tuple[str, int] | None:
        """host:port that replica-set `hello` reports (None: the bind address)."""
        return self._server.advertise

    @advertise.setter
    def advertise(self, value: tuple[str, int] | None) -> None:
        self._server.advertise = value

    def uri(
        self,
        host: str = "localhost",
        port: int | None = None,
        *,
        srv: bool = False,
        **options: str | int | bool,
    ) -> str:
        """A connection string with this server's credentials, properly escaped.

        `mongodb://user:pw@host:port/?authSource=admin&<options>`; `port`
        defaults to this server's (pass a proxy's port to go through it).
        With `srv=True`: `mongodb+srv://user:pw@host/?<options>`, no port and
        no authSource (the TXT record supplies it, as on Atlas). TLS is never
        added implicitly for mongodb://: pass `tls=True` for a TLS server.
        """
        creds = f"{quote_plus(self.username)}:{quote_plus(self.password)}@"
        if srv:
            base = f"mongodb+srv://{creds}{host}/"
        else:
            base = f"mongodb://{creds}{host}:{port or self.port}/"
            options = {"authSource": "admin", **options}
        return f"{base}{_query(options)}"

    def start(self) -> None:
        self._server.start()
        self.port = int(self._server.port)
        # Provision over a real connection while auth is still off. An
        # unverified TLS client is fine here: this is setup, not a test.
        tls_opts: dict[str, Any] = {"tls": True, "tlsInsecure": True} if self.tls else {}
        if self.client_cert_file:
            tls_opts["tlsCertificateKeyFile"] = self.client_cert_file
        client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
            LOOPBACK,
            self.port,
            directConnection=True,
            serverSelectionTimeoutMS=5000,
            **tls_opts,
        )
        try:
            client.admin.command("createUser", self.username, pwd=self.password, roles=["root"])
        finally:
            client.close()
        self._server.require_auth = True

    def step_down(self, seconds: int) -> None:
        """Make this replica-set member a secondary for ``seconds``: no primary, reads only.

        The server's own ``replSetStepDown`` (with ``force``, as a single-node
        set has no one to hand over to), sent over a real connection: its
        ``hello`` then says ``secondary: true`` with no ``primary``, writes
        fail with 10107 "not primary", reads work, as on a set whose
        election has not finished.
        """
        tls_opts: dict[str, Any] = {"tls": True, "tlsInsecure": True} if self.tls else {}
        client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
            LOOPBACK,
            self.port,
            directConnection=True,
            serverSelectionTimeoutMS=5000,
            username=self.username,
            password=self.password,
            authSource="admin",
            **tls_opts,
        )
        try:
            client.admin.command("replSetStepDown", seconds, force=True)
        finally:
            client.close()

    def stop(self) -> None:
        # SecantusDB's stop() closes its listening socket but its accept
        # thread stays blocked in accept() until a 2 s join timeout; shutting
        # the socket down first wakes it at once.
        listener = getattr(self._server, "_socket", None)
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
        self._server.stop()


class NoPrimarySet(_Startable):
    """A TLS replica set on 127.0.0.1 whose members all answer, none as primary.

    Each member is a MongoServer of the same set, stepped down for the
    length of a test session (see `MongoServer.step_down`): what a driver
    sees while a set holds an election, or when too few members are up to
    elect one. Each member lists only itself in `hosts` (SecantusDB has no
    multi-node sets), which the driver accepts from secondaries: it keeps
    every seed it was given. Members advertise 127.0.0.1:port, so `uri()`
    names them by that address (the certificate must cover 127.0.0.1).
    """

    def __init__(
        self, username: str, password: str, *, pem_file: str, replica_set: str, members: int
    ) -> None:
        self.replica_set = replica_set
        self.members = [
            MongoServer(
                username, password, cert_file=pem_file, key_file=pem_file, replica_set=replica_set
            )
            for _ in range(members)
        ]

    @property
    def addresses(self) -> list[str]:
        """Each member's host:port, as its `hello` advertises it."""
        return [f"{member.host}:{member.port}" for member in self.members]

    def uri(self, **options: str | int | bool) -> str:
        """`mongodb://user:pw@<every member>/?authSource=admin&tls=true&replicaSet=...&...`."""
        first = self.members[0]
        creds = f"{quote_plus(first.username)}:{quote_plus(first.password)}@"
        query = _query(
            {"authSource": "admin", "tls": True, "replicaSet": self.replica_set, **options}
        )
        return f"mongodb://{creds}{','.join(self.addresses)}/{query}"

    def start(self) -> None:
        try:
            for member in self.members:
                member.start()
                member.step_down(_SESSION_SECONDS)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for member in self.members:
            if member.port:
                member.stop()


# Longer than any test session: a member stepped down for this long stays a secondary.
_SESSION_SECONDS = 24 * 3600


# --------------------------------------------------------------------------
# TLS front ends and failure servers
# --------------------------------------------------------------------------


def server_context(
    cert: trustme.LeafCert,
    *,
    minimum: ssl.TLSVersion | None = None,
    maximum: ssl.TLSVersion | None = None,
) -> ssl.SSLContext:
    """A server-side SSLContext presenting `cert`, optionally version-limited.

    For an old-TLS-only server (minimum=TLSv1, maximum=TLSv1_1) OpenSSL 3
    also needs `@SECLEVEL=0` or it refuses to negotiate TLS 1.0/1.1 at all.
    Python warns that TLSv1/TLSv1_1 are deprecated: that is the point here.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(ctx)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if minimum is not None:
            ctx.minimum_version = minimum
        if maximum is not None:
            ctx.maximum_version = maximum
        old = (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1)
        if minimum in old or maximum in old:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    return ctx


class TLSProxy(_Startable):
    """TLS-terminating TCP proxy: TLS with `ctx` in front, plaintext upstream.

    Lets one plaintext MongoServer be reached under any TLS policy (old
    versions, alerts, another certificate) and shows the SNI each client
    sent, which the real server does not expose. Each connection has its own
    daemon thread, so a stalled handshake (cut off after `handshake_timeout`)
    never holds up other clients. Every failure is swallowed: the client is
    the one under test and sees the failure itself.

    The proxy installs its own `ctx.sni_callback`, so each proxy needs its
    own context (`server_context()` is cheap).
    """

    def __init__(
        self,
        ctx: ssl.SSLContext,
        upstream: tuple[str, int],
        *,
        sni_callback: SniHook | None = None,
        handshake_timeout: float = 3.0,
        host: str = LOOPBACK,
    ) -> None:
        """`host`: the address to listen on (`"::1"` for IPv6 loopback)."""
        if ctx.sni_callback is not None:
            raise ValueError("ctx already has an sni_callback: give each TLSProxy its own")
        self.ctx = ctx
        self.upstream = upstream
        self.sni_hook = sni_callback
        self.handshake_timeout = handshake_timeout
        self.host = host
        self.port = 0
        self.sni_names: list[str | None] = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        ctx.sni_callback = self._on_sni

    def _on_sni(self, _sock: Any, name: str | None, _ctx: ssl.SSLContext) -> int | None:
        # Called by OpenSSL on every ClientHello, with None when no SNI came.
        self.sni_names.append(name)
        return self.sni_hook(name) if self.sni_hook is not None else None

    def start(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.create_server((self.host, 0), family=family)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._thread = threading.Thread(
            target=self._accept_loop, name=f"tlsproxy-{self.port}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting and cut every connection; threads close their own sockets."""
        self._stopping.set()
        if self._listener is not None:
            _wake(self._listener)
        with self._lock:
            for sock in self._open:
                _wake(sock)
        if self._thread is not None:
            self._thread.join(timeout=0.5)
        if self._listener is not None:
            self._listener.close()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)
        if self._stopping.is_set():  # stop() ran before we were in _open
            _wake(sock)

    def _untrack(self, *socks: socket.socket) -> None:
        with self._lock:
            self._open.difference_update(socks)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        self._track(conn)
        tls: ssl.SSLSocket | None = None
        upstream: socket.socket | None = None
        try:
            conn.settimeout(self.handshake_timeout)
            # wrap_socket detaches `conn` (its fd moves to the SSLSocket), so
            # track the SSLSocket before handshaking, or stop() can't wake it.
            tls = self.ctx.wrap_socket(conn, server_side=True, do_handshake_on_connect=False)
            self._track(tls)
            tls.do_handshake()
            upstream = socket.create_connection(self.upstream, timeout=self.handshake_timeout)
            self._track(upstream)
            tls.settimeout(None)
            upstream.settimeout(None)
            self._pump(tls, upstream)
        except (OSError, ValueError):
            pass  # handshake refused/timed out, peer gone, or stop(): all expected
        finally:
            self._untrack(*(s for s in (conn, tls, upstream) if s is not None))

    @staticmethod
    def _pump(tls: ssl.SSLSocket, upstream: socket.socket) -> None:
        """Copy bytes both ways until either side closes.

        One thread does both directions: an SSL object must not be read and
        written from two threads at once.
        """
        while True:
            # Decrypted bytes already buffered in the SSL object don't make
            # the socket readable, so check them before waiting.
            if tls.pending():
                ready: Sequence[socket.socket] = [tls]
            else:
                ready, _, _ = select.select([tls, upstream], [], [])
            if tls in ready:
                data = tls.recv(65536)
                if not data:
                    return
                upstream.sendall(data)
            if upstream in ready:
                data = upstream.recv(65536)
                if not data:
                    return
                tls.sendall(data)


class SilentServer(_Startable):
    """Accepts TCP connections and never says a word: a stalled handshake.

    The connections are held open (and closed at stop) so the client waits
    for its own timeout rather than seeing a reset.
    """

    def __init__(self) -> None:
        self.host = LOOPBACK
        self.port = 0
        self._listener: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._listener = socket.create_server((LOOPBACK, 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self._conns.append(conn)

    @property
    def accepted(self) -> int:
        """How many connections it has accepted so far (and holds open)."""
        return len(self._conns)

    def stop(self) -> None:
        if self._listener is not None:
            _wake(self._listener)
        if self._thread is not None:
            self._thread.join(timeout=0.5)
        if self._listener is not None:
            self._listener.close()
        for conn in self._conns:
            conn.close()


def refused_port(host: str = LOOPBACK) -> int:
    """A port of `host` (127.0.0.1, or "::1") with nothing listening: ECONNREFUSED.

    Bound then closed: another process could in principle take it in
    between, which on a test machine is unlikely enough.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


# --------------------------------------------------------------------------
# DNS
# --------------------------------------------------------------------------


def _key(name: str) -> str:
    return name.lower().rstrip(".")


class _Zone:
    """dnslib resolver over a mutable record table (dnslib calls `resolve`).

    A name with any record answers NOERROR (maybe with no answer, which
    dnspython reports as NoAnswer); an unknown name answers NXDOMAIN.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.records: dict[str, list[RR]] = {}
        self.servfail: set[str] = set()
        self.queries: list[str] = []
        self.to_drop = 0

    def resolve(self, request: Any, handler: Any) -> Any:
        reply = request.reply()
        name = _key(str(request.q.qname))
        with self.lock:
            self.queries.append(name)
            if self.to_drop:
                self.to_drop -= 1
                raise DNSError("dropped")  # dnslib sends no reply
            if name in self.servfail:
                reply.header.rcode = RCODE.SERVFAIL
            elif name not in self.records:
                reply.header.rcode = RCODE.NXDOMAIN
            else:
                for rr in self.records[name]:
                    if rr.rtype == request.q.qtype:
                        reply.add_answer(rr)
        return reply


class FakeDNS(_Startable):
    """A UDP DNS server on 127.0.0.1 whose records tests change while it runs.

    dnslib's stop() takes up to 0.5 s (serve_forever polls), so start one per
    test session and `clear()` between tests.
    """

    def __init__(self) -> None:
        self.host = LOOPBACK
        self.port = 0
        self._zone = _Zone()
        self._server: Any = None

    def start(self) -> None:
        quiet = DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
        self._server = DNSServer(self._zone, address=LOOPBACK, port=0, logger=quiet)
        self.port = int(self._server.server.server_address[1])
        self._server.start_thread()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server.server.server_close()

    def set_srv(self, name: str, targets: list[tuple[str, int]]) -> None:
        """Replace the SRV records of `name` (e.g. `_mongodb._tcp.cluster0.example.test`)."""
        rrs = [
            RR(name, QTYPE.SRV, ttl=60, rdata=SRV(priority=0, weight=0, port=port, target=target))
            for target, port in targets
        ]
        self._set(name, QTYPE.SRV, rrs)

    def set_txt(self, name: str, txt: str) -> None:
        """Replace the TXT record of `name` with one record holding `txt`."""
        self._set(name, QTYPE.TXT, [RR(name, QTYPE.TXT, ttl=60, rdata=TXT(txt.encode()))])

    def set_servfail(self, name: str) -> None:
        """Answer SERVFAIL for every query of `name` (dnspython: NoNameservers)."""
        with self._zone.lock:
            self._zone.servfail.add(_key(name))

    def drop_next(self, count: int) -> None:
        """Answer none of the next `count` queries: the client's attempt times out."""
        with self._zone.lock:
            self._zone.to_drop = count

    @property
    def queries(self) -> list[str]:
        """The names asked, in order."""
        with self._zone.lock:
            return list(self._zone.queries)

    def clear(self) -> None:
        with self._zone.lock:
            self._zone.records.clear()
            self._zone.servfail.clear()
            self._zone.queries.clear()
            self._zone.to_drop = 0

    def _set(self, name: str, qtype: int, rrs: list[RR]) -> None:
        with self._zone.lock:
            kept = [rr for rr in self._zone.records.get(_key(name), []) if rr.rtype != qtype]
            self._zone.records[_key(name)] = kept + rrs


class SilentDNS(_Startable):
    """A UDP socket that never answers: every query ends in a resolver timeout.

    dnspython waits for the query lifetime, which pymongo sets from
    connectTimeoutMS (default 20 s): pass connectTimeoutMS=1000 in tests.
    """

    def __init__(self) -> None:
        self.host = LOOPBACK
        self.port = 0
        self._sock: socket.socket | None = None

    def start(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind((LOOPBACK, 0))
        self.port = self._sock.getsockname()[1]

    def stop(self) -> None:
        if self._sock is not None:
            self._sock.close()


@contextlib.contextmanager
def use_fake_dns(
    port: int, host_suffixes: Sequence[str] = (".example.test", ".mongodb.net")
) -> Iterator[None]:
    """Send this process's DNS for made-up names to 127.0.0.1:`port`.

    - dnspython (which pymongo uses for SRV/TXT, sync and async) gets a
      resolver that asks only 127.0.0.1:`port`;
    - `socket.getaddrinfo` (which pymongo then uses to connect) maps names
      ending in `host_suffixes` to 127.0.0.1 and passes others through.
    The connections themselves stay real. Everything is restored on exit.
    """
    sync_resolver = dns.resolver.Resolver(configure=False)
    sync_resolver.nameservers = [LOOPBACK]
    sync_resolver.port = port
    async_resolver = dns.asyncresolver.Resolver(configure=False)
    async_resolver.nameservers = [LOOPBACK]
    async_resolver.port = port
    suffixes = tuple(s.lower() for s in host_suffixes)
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if isinstance(name, str) and _key(name).endswith(suffixes):
            host = LOOPBACK
        return real_getaddrinfo(host, *args, **kwargs)

    saved = (dns.resolver.default_resolver, dns.asyncresolver.default_resolver)
    dns.resolver.default_resolver = sync_resolver
    # dnspython annotates this global as None-only in some versions.
    dns.asyncresolver.default_resolver = async_resolver  # type: ignore[assignment,unused-ignore]
    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.getaddrinfo = real_getaddrinfo
        dns.resolver.default_resolver, dns.asyncresolver.default_resolver = saved


# --------------------------------------------------------------------------
# A fake Atlas cluster: SRV + TXT + one TLSProxy per node
# --------------------------------------------------------------------------


@dataclass
class SrvCluster:
    """A `mongodb+srv://<name>` cluster made of real loopback servers.

    SRV `_mongodb._tcp.<name>` lists `hosts` (`shard-00-0N.<name>`), each a
    TLSProxy in front of one plaintext replica-set MongoServer that
    advertises `hosts[0]` (see MongoServer: a standalone behind several
    seeds is dropped by the driver). The driver probes every host, so every
    proxy sees a handshake, then settles on `hosts[0]`.
    """

    name: str
    server: MongoServer
    hosts: list[str]
    proxies: list[TLSProxy] = field(default_factory=list)

    def uri(self, **options: str | int | bool) -> str:
        """`mongodb+srv://user:pw@<name>/?<options>` (escaped credentials)."""
        return self.server.uri(self.name, None, srv=True, **options)

    def stop(self) -> None:
        for proxy in self.proxies:
            proxy.stop()
        self.server.advertise = None


def start_srv_cluster(
    dns_server: FakeDNS,
    server: MongoServer,
    contexts: Sequence[ssl.SSLContext],
    *,
    name: str = "cluster0.example.test",
    txt: str | None = "authSource=admin",
    sni_callback: SniHook | None = None,
) -> SrvCluster:
    """Start one TLSProxy per context and publish them under `name` in DNS.

    `server` must be a replica set (MongoServer(replica_set=...)) and the
    leaf certificate must cover `*.<name>` (a wildcard matches one label).
    `txt=None` publishes no TXT record. Stop with `SrvCluster.stop()`.
    """
    hosts = [f"shard-00-{i:02d}.{name}" for i in range(len(contexts))]
    cluster = SrvCluster(name, server, hosts)
    try:
        for ctx in contexts:
            proxy = TLSProxy(ctx, (server.host, server.port), sni_callback=sni_callback)
            cluster.proxies.append(proxy)
            proxy.start()
    except BaseException:
        cluster.stop()
        raise
    server.advertise = (hosts[0], cluster.proxies[0].port)
    targets = [(host, proxy.port) for host, proxy in zip(hosts, cluster.proxies, strict=True)]
    dns_server.set_srv(f"_mongodb._tcp.{name}", targets)
    if txt is not None:
        dns_server.set_txt(name, txt)
    return cluster


# Types of the factory fixtures in conftest.py, for test annotations.
TLSProxyFactory = Callable[..., TLSProxy]
ProxiedUri = Callable[..., str]
SrvClusterFactory = Callable[..., SrvCluster]
