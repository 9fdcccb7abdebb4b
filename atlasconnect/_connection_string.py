"""Connection strings: reading one, and showing it.

atlasconnect reads the parts of a URI it must reason about (scheme, credentials,
options) before pymongo sees it. That is how it can refuse credentials that
pymongo would silently misparse (``mongodb://bob:27017/secret@x@host/`` parses,
with part of the password as the database name) and how it knows which strings
to redact from every message it produces: :mod:`atlasconnect._secrets` says
which are secret, and the forms that hide them.

Where the string comes from (an argument, pymongo's ``host`` and ``port``,
``MONGODB_URI``) is :mod:`atlasconnect._seeds`'s to say; the checks of its
credentials are :mod:`atlasconnect._credentials`'.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, ParamSpec, TypeVar
from urllib.parse import unquote_plus

from pymongo.errors import PyMongoError

from . import _address as address
from . import _credentials as credentials
from . import _pymongo_internals as pymongo_internals
from . import _uri_text as uri_text
from ._exceptions import AtlasConnectError, ConnectionStringError
from ._secrets import (
    MECHANISM_PROPERTIES,
    PUBLIC_MECHANISM_PROPERTIES,
    REDACTED,
    SECRET_KEYWORDS,
    ConcealedStr,
    OptionPair,
    credential_secrets,
    near_miss,
    redact_userinfo,
)

SCHEME = "mongodb://"
SRV_SCHEME = "mongodb+srv://"
_OPTION_PAIR = re.compile(r"[^&;]+")

URI_WHY = (
    "pymongo reads the URI left to right; an unescaped character or a wrong option "
    "makes it connect somewhere else, use the wrong database, or fail later with a "
    "message that does not point here."
)
OPTIONS_FIX = (
    "correct the part named above; connection string options and their values are "
    "listed at https://www.mongodb.com/docs/manual/reference/connection-string-options/"
)
UNSET_VARIABLE_WHY = (
    "a variable that was None, such as an unset environment variable read with "
    "os.getenv(), was formatted into the connection string, where it reads None."
)
UNSET_VARIABLE_FIX = (
    "check that the variable the connection string (or its host) comes from is set where "
    "the program runs: 'MONGODB_URI' in os.environ, with your variable's name, must be "
    "True there (a .env file counts only if the program loads it). Then copy the string "
    "from Atlas: Database > Connect > Drivers."
)


def repr_of(record: tuple[Any, ...], shown: tuple[str, ...]) -> str:
    """The ``repr`` of a named tuple with only its ``shown`` fields: the others hold secrets.

    atlasconnect's records are named tuples, not dataclasses: a frozen
    dataclass costs about a millisecond to define, paid by every fresh process.
    """
    fields = ", ".join(f"{name}={getattr(record, name)!r}" for name in shown)
    return f"{type(record).__name__}({fields}, ...)"


class ConnectionString(NamedTuple):
    """A connection string taken apart just enough to check and redact it."""

    uri: str
    is_srv: bool
    options: Mapping[str, Any]
    """URI options as pymongo reads them; it validates them when it builds the client."""
    written_options: tuple[tuple[str, str], ...]
    """Each ``(name, value)`` of the query as written (the value percent-decoded), in order."""
    secrets: tuple[str, ...]
    """Every secret the URI holds, in every form it may be echoed (raw and unescaped)."""
    redacted: str
    shown_options: Mapping[str, str]
    """The URI's options as they may be shown: secret values and unknown names hidden."""
    srv_host: str | None
    """The DNS name of a ``mongodb+srv://`` URI, looked up for SRV and TXT records."""
    password: str | None
    """The password of the user information, percent-decoded."""
    user: str | None
    """The user name of the user information, percent-decoded; None without one."""

    def __str__(self) -> str:
        return self.redacted

    def __repr__(self) -> str:
        return repr_of(self, ("is_srv", "redacted", "shown_options", "srv_host"))


class ConcealedURI(str):
    """A connection string whose ``repr`` is its redacted form."""

    def __repr__(self) -> str:
        return repr(redacted_form(self))


def placeholder_in(uri: str) -> ConnectionStringError | None:
    """The explained error when ``uri`` still holds one of Atlas's placeholders as its user
    name or password (:func:`atlasconnect._uri_text.placeholder_error`), else None."""
    scheme = next((s for s in (SCHEME, SRV_SCHEME) if uri.startswith(s)), None)
    if scheme is None:
        return None
    rest = uri[len(scheme) :]
    at = _end_of_userinfo(rest)
    return uri_text.placeholder_error(rest[:at], redacted_form(uri)) if at >= 0 else None


def redacted_form(uri: str) -> str:
    """``uri`` as it may be shown: redacted, or a placeholder when it cannot be read."""
    try:
        return parse(uri).redacted
    except ConnectionStringError as error:
        return error.redacted_uri or "<connection string, redacted>"


_P = ParamSpec("_P")
_T = TypeVar("_T")


def raised_here(function: Callable[_P, _T]) -> Callable[_P, _T]:
    """Raise the errors of ``function``'s checks from its caller, without the frames below.

    Those frames hold the URI and the keywords in pieces (a parsed password,
    say) that a traceback printed with local variables (Sentry, ``pytest
    --showlocals``) would show; an explained error needs none of them.
    Call it with concealed arguments (:func:`conceal`): its own frame is shown.
    """

    @functools.wraps(function)
    def checked(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return function(*args, **kwargs)
        except (AtlasConnectError, TypeError, ValueError) as error:
            raise error.with_traceback(None) from None

    return checked


def conceal(uri: object, keywords: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """``uri`` and ``keywords`` with every secret in a form whose ``repr`` hides it.

    The values are the same strings to everything else, pymongo included, so
    the client's own options hold the concealed forms too.
    """
    concealed: dict[str, Any] = {}
    for name, value in keywords.items():
        key = name.lower()
        if key in SECRET_KEYWORDS and isinstance(value, str):
            value = ConcealedStr(value)
        elif key == "host":  # pymongo's host=: maybe a URI, or a list
            value = _concealed_seeds(value)
        elif key == MECHANISM_PROPERTIES and isinstance(value, Mapping):
            value = {
                k: ConcealedStr(v)
                if isinstance(v, str) and k not in PUBLIC_MECHANISM_PROPERTIES
                else v
                for k, v in value.items()
            }
        concealed[name] = value
    return _concealed_seeds(uri), concealed


def _concealed_seeds(seeds: Any) -> Any:
    if isinstance(seeds, str):
        return ConcealedURI(seeds)
    if isinstance(seeds, list):
        return [_concealed_seeds(seed) for seed in seeds]
    return seeds


def parse(uri: str) -> ConnectionString:
    """Check the scheme, credentials and options of ``uri`` and find its secrets.

    ``uri`` is read by :mod:`atlasconnect._uri_text`'s rule first: what
    surrounds it is removed (``.uri`` is the string pymongo gets), and
    whitespace or an invisible character inside it is refused. Hosts, ports
    and the database name are left to pymongo; its errors are redacted with
    the secrets found here.
    """
    uri = _stripped(uri)
    scheme = next((s for s in (SCHEME, SRV_SCHEME) if uri.startswith(s)), None)
    if uri == "None":
        raise ConnectionStringError(
            "The connection string is the word None.",
            why=UNSET_VARIABLE_WHY,
            fix=UNSET_VARIABLE_FIX,
            redacted_uri=None,
        )
    if scheme is None:
        raise uri_text.scheme_error(uri)
    uri_text.refuse_hidden(uri)
    rest = uri[len(scheme) :]
    at = _end_of_userinfo(rest)
    userinfo, rest = (rest[:at], rest[at + 1 :]) if at >= 0 else ("", rest)
    hosts_and_path, question, query = rest.partition("?")
    _check_no_host_is_none(hosts_and_path.split("/", 1)[0])
    pairs = [OptionPair.of(text) for text in _OPTION_PAIR.findall(query)]
    shown_query = _OPTION_PAIR.sub(lambda match: OptionPair.of(match.group()).shown, query)
    redacted = scheme + (redact_userinfo(userinfo) + "@" if at >= 0 else "") + hosts_and_path
    redacted += question + shown_query
    if at >= 0:
        placeholder = uri_text.placeholder_error(userinfo, redacted)
        if placeholder is not None:
            raise placeholder
        credentials.check_userinfo(userinfo, redacted)
    secrets = credential_secrets(userinfo) + tuple(s for pair in pairs for s in pair.secrets)
    options = _options(query, secrets, redacted) if query else {}
    srv_host = unquote_plus(re.split("[/?]", rest, maxsplit=1)[0]) if scheme == SRV_SCHEME else None
    if srv_host:
        _check_srv_host(srv_host, redacted)
    user, colon, password = userinfo.partition(":")
    return ConnectionString(
        uri=uri,
        is_srv=scheme == SRV_SCHEME,
        options=options,
        written_options=tuple(
            (name, unquote_plus(value))
            for name, _, value in (text.partition("=") for text in _OPTION_PAIR.findall(query))
        ),
        secrets=secrets,
        redacted=redacted,
        shown_options={pair.shown_name: pair.shown_value for pair in pairs},
        srv_host=srv_host,
        password=unquote_plus(password) if colon else None,
        user=unquote_plus(user) if at >= 0 else None,
    )


def _stripped(uri: str) -> str:
    """``uri`` without what surrounds it (:mod:`atlasconnect._uri_text`), still concealed."""
    stripped = uri_text.strip_surroundings(uri)
    return ConcealedURI(stripped) if isinstance(uri, ConcealedURI) else stripped


def refuse_unix_sockets(parsed: ConnectionString) -> None:
    """No host is a Unix domain socket (``mongodb://%2Ftmp%2Fmongodb-27017.sock``).

    atlasconnect always verifies that the server's certificate names the host
    it connects to, and no certificate names a path: pymongo would connect, and
    every TLS handshake fail that check, explained as a host name mismatch.
    """
    socket = next((host for host in _hosts(parsed) if address.is_unix_socket(host)), None)
    if socket is None:
        return
    raise ConnectionStringError(
        f"The connection string names a Unix domain socket, {unquote_plus(socket)}: "
        "atlasconnect connects to MongoDB over TCP only.",
        why="atlasconnect always uses TLS and checks that the server's certificate names the "
        "host it connects to; no certificate names a path, so every connection over the "
        "socket would fail that check. Atlas clusters are reached over TCP.",
        fix="connect to Atlas with the connection string it shows (Database > Connect > "
        "Drivers: mongodb+srv://...). For a local mongod, connect to its TCP port with TLS "
        "(mongodb://localhost:27017/?tls=true, and tlsCAFile naming the CA of its "
        "certificate); for its socket without TLS, use pymongo.MongoClient itself: "
        "atlasconnect's guarantees are TLS's.",
        redacted_uri=parsed.redacted,
    )


def _hosts(parsed: ConnectionString) -> list[str]:
    """The hosts of a ``mongodb://`` URI as written (percent-encoded, ports included)."""
    if parsed.is_srv:
        return []
    rest = parsed.uri[len(SCHEME) :]
    rest = rest[_end_of_userinfo(rest) + 1 :]
    return rest.partition("?")[0].split("/", 1)[0].split(",")


def _check_no_host_is_none(hosts: str) -> None:
    """No host is the word None: pymongo would look it up, and report only that DNS does
    not know it."""
    for host in hosts.split(","):
        name = host if host.startswith("[") else address.partition(host)[0] or host
        if unquote_plus(name).lower() == "none":
            raise ConnectionStringError(
                f"The host of the connection string is the word None ({host!r}).",
                why=UNSET_VARIABLE_WHY,
                fix=UNSET_VARIABLE_FIX,
                redacted_uri=None,
            )


def _check_srv_host(host: str, redacted_uri: str) -> None:
    """A ``mongodb+srv://`` host must be a DNS name, or pymongo fails at its first lookup.

    Ports and host lists are pymongo's to refuse; dnspython's absence is the
    environment check's to report.
    """
    if any(c in host for c in ",:"):
        return
    try:
        import dns.exception
        import dns.name
    except ImportError:
        return
    try:
        dns.name.from_text(host)
    except dns.name.EmptyLabel:
        problem = "it has an empty label (two dots in a row, or a dot at the start)"
    except dns.name.LabelTooLong:
        problem = "one of its labels is longer than 63 characters"
    except dns.name.NameTooLong:
        problem = "it is longer than 255 characters"
    except (dns.exception.DNSException, UnicodeError):
        problem = "it holds characters that a host name cannot have"
    else:
        return
    raise ConnectionStringError(
        f"The host of the mongodb+srv:// connection string, {host!r}, is not a valid DNS "
        f"name: {problem}.",
        why="a mongodb+srv:// host is the DNS name under which Atlas publishes the cluster's "
        "servers (labels of 1 to 63 characters between single dots); pymongo could not look "
        "it up and would fail only at the first operation.",
        fix="copy the connection string again from Atlas (Database > Connect > Drivers); "
        "the host looks like cluster0.abcde.mongodb.net.",
        redacted_uri=redacted_uri,
    )


def _end_of_userinfo(text: str) -> int:
    """The index of the '@' that ends the user information of ``text``, or -1.

    That is the last '@', except one inside the value of a known option after
    the first '?' (``appName=me@laptop``): pymongo reads that as an option.
    """
    question = text.find("?")
    in_option_values: set[int] = set()
    if question >= 0:
        for match in _OPTION_PAIR.finditer(text, question + 1):
            name, equals, _ = match.group().partition("=")
            if equals and name.lower() in pymongo_internals.known_uri_options():
                in_option_values.update(range(match.start() + len(name) + 1, match.end()))
    return next(
        (i for i in range(len(text) - 1, -1, -1) if text[i] == "@" and i not in in_option_values),
        -1,
    )


_SECRET_EDGE = re.compile(r"\w")


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every whole occurrence of every secret in ``text`` with ``****``.

    Whole: a secret that begins or ends with a letter or digit is not replaced
    inside a longer word, so a password ``word`` leaves "password" alone. A
    secret of fewer than four characters, or without a letter or digit, cannot
    be told from the text around it (a password " " is in every sentence) and
    is not searched for; it is hidden by its place all the same.
    """
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= _SEARCHABLE and any(c.isalnum() for c in secret):
            text = _whole(secret).sub(REDACTED, text)
    return text


_SEARCHABLE = 4


def _whole(secret: str) -> re.Pattern[str]:
    before = r"(?<!\w)" if _SECRET_EDGE.match(secret[0]) else ""
    after = r"(?!\w)" if _SECRET_EDGE.match(secret[-1]) else ""
    return re.compile(before + re.escape(secret) + after)


def _options(query: str, secrets: tuple[str, ...], redacted: str) -> Mapping[str, Any]:
    try:
        return pymongo_internals.split_options(query, validate=False)
    except AtlasConnectError:  # pymongo no longer reads options as atlasconnect calls it
        raise
    except (PyMongoError, ValueError) as exc:
        error = invalid_option_error(exc, secrets, redacted)
    raise error


def validate_options(parsed: ConnectionString) -> None:
    """Refuse any URI option pymongo would reject or, worse, ignore with only a warning.

    Call it after the CA file was checked: pymongo opens the files that
    options name, and an unreadable CA file deserves its own error.
    """
    _, _, query = parsed.uri.partition("?")
    if not query:
        return
    try:
        pymongo_internals.split_options(query, validate=True)
    except AtlasConnectError:  # pymongo no longer reads options as atlasconnect calls it
        raise
    except (PyMongoError, ValueError, TypeError, OSError) as exc:
        error = invalid_option_error(exc, parsed.secrets, parsed.redacted, _refused_option(query))
    else:
        return
    raise error


def _refused_option(query: str) -> str:
    """How to name the first option pymongo refuses on its own (its messages may not).

    A name pymongo does not know may be the tail of a password with an
    unescaped '&', so it is named only when it is a near miss of a real one.
    """
    for pair in _OPTION_PAIR.findall(query):
        try:
            pymongo_internals.split_options(pair, validate=True)
        except (PyMongoError, ValueError, TypeError, OSError):
            name = pair.partition("=")[0]
            if name.lower() in pymongo_internals.known_uri_options():
                return f"the option {name!r}"
            if near_miss(name):  # pymongo's message suggests the real name
                return f"the option {name!r}"
            return (
                "an option whose name it does not know (not shown: it may be the end of a "
                "password or key whose '&' was not written as %26)"
            )
    return "the connection string or a client option"


def invalid_option_error(
    exc: BaseException,
    secrets: Iterable[str],
    redacted_uri: str | None,
    refused: str = "the connection string or a client option",
) -> ConnectionStringError:
    """Turn pymongo's complaint about a URI or an option into a redacted, explained error.

    Raise the result outside the ``except`` block that caught ``exc``, so that
    pymongo's unredacted exception is not chained to it.
    """
    return ConnectionStringError(
        f"pymongo refused {refused}: {redact(str(exc), secrets)}",
        why=URI_WHY,
        fix=OPTIONS_FIX,
        redacted_uri=redacted_uri,
    )
