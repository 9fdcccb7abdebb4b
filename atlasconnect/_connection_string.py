"""Connection strings: where they come from, what secrets they hold, how to show them.

atlasconnect reads the parts of a URI it must reason about (scheme, credentials,
options) before pymongo sees it. That is how it can refuse credentials that
pymongo would silently misparse (``mongodb://bob:27017/secret@x@host/`` parses,
with part of the password as the database name) and how it knows which strings
to redact from every message it produces.

What is secret, and how it is hidden (``docs/security.rst`` says the same):

- the password of the user information, every value of
  ``tlsCertificateKeyFilePassword``, and every ``authMechanismProperties``
  value except the few that only name things (``SERVICE_NAME``, ``ENVIRONMENT``...);
- every option pymongo does not know, name and value: an unescaped ``&`` in a
  password turns its tail into such an "option". Its name is shown only when
  it is a near miss of a real option name, which it then suggests.

Secrets are hidden by their place: the redacted URI, the options shown by the
doctor and :func:`conceal` replace what stands in a secret's place with
``****``, whatever its value, so a password that happens to equal a host name
or a word of a message neither shows nor gives itself away. Texts that pymongo
derives from the URI (its complaints about options) are searched for every
secret and each whole occurrence is replaced; texts from the network never saw
a secret and are shown as they are.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import stringprep
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, ParamSpec, TypeVar
from urllib.parse import quote, unquote_plus

from pymongo.errors import PyMongoError

from . import _address as address
from . import _pymongo_internals as pymongo_internals
from . import _shell as shell
from . import _uri_text as uri_text
from ._exceptions import AtlasConnectError, ConnectionStringError

ENVIRONMENT_VARIABLE = "MONGODB_URI"
"""Where :func:`atlasconnect.connect` looks for the connection string when given none."""

SCHEME = "mongodb://"
SRV_SCHEME = "mongodb+srv://"
REDACTED = "****"

# Option and keyword names are matched in lower case, as pymongo matches them
# (pymongo_internals.known_uri_options(): the names it knows).
_SECRET_OPTIONS = frozenset({"tlscertificatekeyfilepassword"})
_SECRET_KEYWORDS = frozenset({"password", "tlscertificatekeyfilepassword"})
_MECHANISM_PROPERTIES = "authmechanismproperties"
# authMechanismProperties that only name things; every other value may be a token.
_PUBLIC_MECHANISM_PROPERTIES = frozenset(
    {
        "ALLOWED_HOSTS",
        "CANONICALIZE_HOST_NAME",
        "ENVIRONMENT",
        "SERVICE_HOST",
        "SERVICE_NAME",
        "SERVICE_REALM",
        "TOKEN_RESOURCE",
    }
)
_SECRET_MECHANISM_PROPERTIES = frozenset(
    {"AWS_SESSION_TOKEN", "OIDC_CALLBACK", "OIDC_HUMAN_CALLBACK"}
)
# Characters that end the user information of a URI early when left unescaped.
_UNESCAPED_IN_USERINFO = ("@", "/", "?")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_OPTION_PAIR = re.compile(r"[^&;]+")

_ESCAPE_FIX = (
    "percent-encode the user name and password before putting them in the URI, e.g. "
    '`python -c "import getpass, urllib.parse; '
    'print(urllib.parse.quote_plus(getpass.getpass()))"`. '
    "An '@' anywhere else in the URI (in an option value) must be written %40."
)
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


class ConcealedStr(str):
    """A secret whose ``repr`` is ``'****'``; ``str()`` and every other use see the text.

    atlasconnect holds the caller's secrets in this form (and the URI as a
    :class:`ConcealedURI`), so that a traceback printed with local variables
    (Sentry, ``pytest --showlocals``) shows ``****`` where a secret is, while
    pymongo still gets the real text.
    """

    def __repr__(self) -> str:
        return repr(REDACTED)


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


def resolve(seeds: str | Sequence[str] | None, port: Any = None) -> ConcealedURI:
    """The connection string, from ``seeds`` as pymongo's ``host`` takes them.

    ``seeds`` is a URI, a host name (``"db1"``, ``"db1:27018"``) or a list of
    either, or None for the ``MONGODB_URI`` environment variable. Host names
    become ``mongodb://host:port,.../``, ``port`` being the port of a host
    written without one (pymongo's default, 27017, when None).
    """
    if seeds is None:
        seeds = uri_from_environment()
        if seeds is None:
            raise _no_connection_string_error()
    listed = seed_list(seeds)
    if not names_hosts(listed):
        return ConcealedURI(listed[0])
    hosts = (_with_port(uri_text.strip_surroundings(host), port) for host in listed)
    return ConcealedURI(SCHEME + ",".join(hosts) + "/")


def uri_from_environment() -> str | None:
    """The ``MONGODB_URI`` environment variable, None when unset or blank.

    Blank: empty once what may surround a connection string is removed
    (:func:`~atlasconnect._uri_text.strip_surroundings`), such as a lone newline.
    """
    value = os.environ.get(ENVIRONMENT_VARIABLE)
    return value if value is not None and uri_text.strip_surroundings(value) else None


def _no_connection_string_error() -> ConnectionStringError:
    state = "is not set" if ENVIRONMENT_VARIABLE not in os.environ else "is set but blank"
    return ConnectionStringError(
        f"No connection string was given and the {ENVIRONMENT_VARIABLE} environment "
        f"variable {state}.",
        why="atlasconnect needs to know which cluster to connect to.",
        fix=(
            f"pass it, connect('mongodb+srv://...'), or set {ENVIRONMENT_VARIABLE}; "
            "copy it from the Atlas UI: Database > Connect > Drivers > Python."
        ),
        redacted_uri=None,
    )


def seed_list(seeds: str | Sequence[str]) -> list[str]:
    """``seeds`` as a list: one URI, or host names only (pymongo's ``host`` argument)."""
    listed = [seeds] if isinstance(seeds, str) else seeds
    if not isinstance(listed, Sequence) or not all(isinstance(s, str) for s in listed):
        raise TypeError(
            "the connection string must be a str (or, as pymongo's host=, a list of str), "
            f"not {type(seeds).__name__}"
        )
    uris = [seed for seed in listed if "://" in seed]
    if not listed or (uris and len(listed) > 1):
        raise ConnectionStringError(
            f"host= holds {len(uris)} connection strings among {len(listed)} entries.",
            why="atlasconnect checks and protects one connection string per client.",
            fix="pass one connection string, or a list of host names (host:port).",
            redacted_uri=None,
        )
    return list(listed)


def names_hosts(seeds: Sequence[str]) -> bool:
    """Whether :func:`seed_list`'s ``seeds`` are host names rather than a connection string.

    pymongo's ``host`` may be host names (``db1``, ``db1:27018``, ``[::1]``, a
    percent-encoded socket path); several seeds are host names, and one that is
    not shaped as a host name is read as a connection string, so that an empty
    or pasted text is explained as one, not looked up as a host.
    """
    if len(seeds) > 1:
        return True
    first = uri_text.strip_surroundings(seeds[0])
    return "://" not in first and re.fullmatch(_HOST_SEED, first) is not None


# A string, compiled (and cached by re) at first use.
_HOST_SEED = (
    r"[A-Za-z0-9._%\-]+(:[0-9]*)?"  # a name or an IPv4 address, a socket path, a port
    r"|\[[0-9A-Za-z:.%]+\](:[0-9]*)?"  # [IPv6], a port
    r"|[0-9A-Fa-f.]*(:[0-9A-Fa-f.]*){2,}(%\w+)?"  # a bare IPv6 address
    r"|\S*\.sock"  # a Unix domain socket's path, which connect() refuses by name
)


def _with_port(host: str, port: Any) -> str:
    """``host`` with ``port`` unless it names one (pymongo's default when ``port`` is None);
    a Unix domain socket's path percent-encoded, as a URI writes it, without a port."""
    if address.is_unix_socket(host):
        return quote(host, safe="")
    return address.with_port(host, port)


def conceal(uri: object, keywords: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """``uri`` and ``keywords`` with every secret in a form whose ``repr`` hides it.

    The values are the same strings to everything else, pymongo included, so
    the client's own options hold the concealed forms too.
    """
    concealed: dict[str, Any] = {}
    for name, value in keywords.items():
        key = name.lower()
        if key in _SECRET_KEYWORDS and isinstance(value, str):
            value = ConcealedStr(value)
        elif key == "host":  # pymongo's host=: maybe a URI, or a list
            value = _concealed_seeds(value)
        elif key == _MECHANISM_PROPERTIES and isinstance(value, Mapping):
            value = {
                k: ConcealedStr(v)
                if isinstance(v, str) and k not in _PUBLIC_MECHANISM_PROPERTIES
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
    pairs = [_OptionPair.of(text) for text in _OPTION_PAIR.findall(query)]
    shown_query = _OPTION_PAIR.sub(lambda match: _OptionPair.of(match.group()).shown, query)
    redacted = scheme + (_redact_userinfo(userinfo) + "@" if at >= 0 else "") + hosts_and_path
    redacted += question + shown_query
    if at >= 0:
        placeholder = uri_text.placeholder_error(userinfo, redacted)
        if placeholder is not None:
            raise placeholder
        _check_userinfo(userinfo, redacted)
    secrets = _credential_secrets(userinfo) + tuple(s for pair in pairs for s in pair.secrets)
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


class _OptionPair(NamedTuple):
    """One ``name=value`` of a URI's query, and how it may be shown."""

    shown_name: str
    shown_value: str
    secrets: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> _OptionPair:
        name, equals, value = text.partition("=")
        key = name.lower()
        if key in _SECRET_OPTIONS:
            return cls(name, REDACTED, _forms(value))
        if key == _MECHANISM_PROPERTIES:
            return _mechanism_properties(name, value)
        if key in pymongo_internals.known_uri_options():
            return cls(name, value, ())
        if near_miss(name):
            return cls(name, REDACTED if equals else "", _forms(value))
        return cls(REDACTED, REDACTED if equals else "", _forms(name) + _forms(value))

    @property
    def shown(self) -> str:
        return f"{self.shown_name}={self.shown_value}" if self.shown_value else self.shown_name


def _mechanism_properties(name: str, value: str) -> _OptionPair:
    """Show the properties that only name things; hide every other value.

    pymongo percent-decodes the whole value before splitting it, so this does
    too: an encoded ':' or ',' must not smuggle a token past.
    """
    shown, secrets = [], []
    for item in unquote_plus(value).split(","):
        key, colon, item_value = item.partition(":")
        if key in _PUBLIC_MECHANISM_PROPERTIES and colon:
            shown.append(item)
        elif key in _SECRET_MECHANISM_PROPERTIES and colon:
            shown.append(f"{key}:{REDACTED}")
            secrets.append(item_value)
        else:  # not a property name: a piece of a value cut at an unescaped ','
            shown.append(REDACTED)
            secrets.extend((item, key, item_value))  # pymongo names an unknown key
    secrets = [secret for secret in secrets if secret]
    return _OptionPair(name, ",".join(shown), (*secrets, value) if secrets else ())


def near_miss(name: str) -> str | None:
    """The real option name that ``name`` (not one itself) is a likely misspelling of."""
    known = pymongo_internals.known_uri_options()
    matches = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.8)
    return matches[0] if matches and name.lower() not in known else None


def _forms(secret: str) -> tuple[str, ...]:
    """A secret as written and as pymongo may echo it, percent-decoded."""
    return tuple(dict.fromkeys(s for s in (secret, unquote_plus(secret)) if s))


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


def keyword_secrets(keywords: Mapping[str, Any]) -> tuple[str, ...]:
    """Secrets passed as client keywords: ``password``, key file password, token properties."""
    return tuple(_keyword_secrets(keywords))


def _keyword_secrets(keywords: Mapping[str, Any]) -> Iterator[str]:
    for name, value in keywords.items():
        key = name.lower()
        if key in _SECRET_KEYWORDS and value:
            yield str(value)
        elif key == _MECHANISM_PROPERTIES and isinstance(value, Mapping):
            yield from (
                str(v) for k, v in value.items() if k not in _PUBLIC_MECHANISM_PROPERTIES and v
            )


def _check_userinfo(userinfo: str, redacted_uri: str) -> None:
    unescaped = [c for c in _UNESCAPED_IN_USERINFO if c in userinfo]
    if userinfo.count(":") > 1:
        unescaped.append(":")
    if _BAD_PERCENT.search(userinfo):
        unescaped.append("%")
    if unescaped:
        listed = ", ".join(f"'{c}'" for c in unescaped)
        raise ConnectionStringError(
            "The user name or password in the connection string (the part before its last "
            f"'@') contains unescaped {listed}.",
            why=(
                "these characters separate the parts of a URI, so pymongo would split the "
                "credentials in the wrong place: it may refuse the URI, or accept it and take "
                "part of the password for a host or database name."
            ),
            fix=_ESCAPE_FIX,
            redacted_uri=redacted_uri,
        )


def _credential_secrets(userinfo: str) -> tuple[str, ...]:
    _, colon, password = userinfo.partition(":")
    return _forms(password) if colon else ()


def _redact_userinfo(userinfo: str) -> str:
    user, colon, _ = userinfo.partition(":")
    if _BAD_PERCENT.search(user) or any(c in user for c in _UNESCAPED_IN_USERINFO):
        return REDACTED
    return user + (":" + REDACTED if colon else "")


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


def check_password(parsed: ConnectionString, keywords: Mapping[str, Any]) -> None:
    """Refuse a password that SCRAM-SHA-256 cannot use, before pymongo fails on it.

    pymongo prepares the password with SASLprep (RFC 4013) when it logs in
    with SCRAM-SHA-256, Atlas's mechanism, and raises a bare ``ValueError:
    SASLprep: failed ... check`` at the first operation when it cannot. The
    explanation names the kinds of characters at fault, never the characters.
    """
    password = _option(keywords, "password", parsed.password)
    user = _option(keywords, "username", parsed.user)
    mechanism = str(auth_mechanism(parsed, keywords) or "DEFAULT").upper()
    if user and not password and mechanism in _PASSWORD_MECHANISMS:
        raise _no_password_error(str(user), password, parsed.redacted)
    if not isinstance(password, str) or mechanism not in _SASLPREP:
        return
    try:
        pymongo_internals.saslprep(password)
    except ValueError:
        problems = _saslprep_problems(password)
    else:
        return
    raise ConnectionStringError(
        "The password cannot be used with SCRAM-SHA-256, the mechanism Atlas logs in with: "
        f"it contains {' and '.join(problems)}.",
        why="SCRAM-SHA-256 prepares every password with SASLprep (RFC 4013), which refuses "
        "these characters; pymongo would fail at the first operation with 'SASLprep: failed'.",
        fix="set a new password for the database user in Atlas (Security > Database Access > "
        "Edit > Edit Password) made of letters, digits and ASCII punctuation, and "
        "percent-encode it in the URI with urllib.parse.quote_plus.",
        redacted_uri=parsed.redacted,
    )


def auth_mechanism(parsed: ConnectionString, keywords: Mapping[str, Any]) -> Any:
    """The ``authMechanism`` the client will use, as written: a keyword wins over the URI.

    None when neither names one.
    """
    return _option(keywords, "authmechanism", _option(parsed.options, "authmechanism", None))


# authMechanism values with which pymongo logs in with SCRAM-SHA-256 on Atlas.
_SASLPREP = ("DEFAULT", "SCRAM-SHA-256")
# authMechanism values that log in with a password.
_PASSWORD_MECHANISMS = ("DEFAULT", "SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN")


def _no_password_error(user: str, password: object, redacted_uri: str) -> ConnectionStringError:
    """A user without a password: pymongo 4 refuses it with "A password is required", and
    an empty one (``user:@host``) made its SASLprep fail with a bare IndexError."""
    what = "an empty password (nothing after the ':')" if password == "" else "no password"
    return ConnectionStringError(
        f"The user {_shown_user(user)} is given with {what}.",
        why="a database user logs in with a password (SCRAM, Atlas's mechanism); a missing "
        "or empty one is most often a variable that was unset or empty when the string was "
        "built (f'{user}:{password}@').",
        fix="put the database user's password after the ':', percent-encoded with "
        "urllib.parse.quote_plus, or pass connect(uri, password=...); check that the "
        "variable it comes from is set where the program runs.",
        cli_fix="put the database user's password after the ':' in the connection string, "
        "percent-encoded; check that the variable it comes from is set.",
        redacted_uri=redacted_uri,
    )


def _shown_user(user: str) -> str:
    """A user name as a message shows it: quoted, as prose around commands (escapes)."""
    return f"'{shell.prose(user)}'"


def _option(options: Mapping[str, Any], key: str, default: Any) -> Any:
    """The value of option ``key`` (lower case) in ``options``, in any letter case."""
    return next((value for name, value in options.items() if name.lower() == key), default)


def _saslprep_problems(password: str) -> list[str]:
    """The kinds of characters SASLprep refuses in ``password``, as people name them."""
    prepared = unicodedata.ucd_3_2_0.normalize(
        "NFKC", "".join(c for c in password if not stringprep.in_table_b1(c))
    )
    problems = []
    if any(stringprep.in_table_c21(c) or stringprep.in_table_c22(c) for c in prepared):
        problems.append("control characters (a tab, a line break, or another invisible one)")
    if any(stringprep.in_table_a1(c) for c in prepared):
        problems.append("characters that Unicode 3.2 did not have (most emoji)")
    if any(_is_prohibited_symbol(c) for c in prepared):
        problems.append("private-use, non-character or invisible formatting characters")
    right_to_left = [stringprep.in_table_d1(c) for c in prepared]
    mixed = any(stringprep.in_table_d2(c) for c in prepared)
    if any(right_to_left) and (mixed or not (right_to_left[0] and right_to_left[-1])):
        problems.append(
            "right-to-left letters (Hebrew, Arabic) mixed with left-to-right text or "
            "not at both ends"
        )
    return problems or ["characters that SASLprep refuses"]


def _is_prohibited_symbol(character: str) -> bool:
    return any(
        check(character)
        for check in (
            stringprep.in_table_c3,
            stringprep.in_table_c4,
            stringprep.in_table_c5,
            stringprep.in_table_c6,
            stringprep.in_table_c7,
            stringprep.in_table_c8,
            stringprep.in_table_c9,
        )
    )
