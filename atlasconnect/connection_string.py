"""Connection strings: where they come from, what secrets they hold, how to show them.

atlasconnect reads the parts of a URI it must reason about (scheme, credentials,
options) before pymongo sees it. That is how it can refuse credentials that
pymongo would silently misparse (``mongodb://bob:27017/secret@x@host/`` parses,
with part of the password as the database name) and how it knows which strings
to redact from every message it produces.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from pymongo.errors import PyMongoError
from pymongo.uri_parser import split_options

from .exceptions import ConnectionStringError

ENVIRONMENT_VARIABLE = "MONGODB_URI"
"""Where :func:`atlasconnect.connect` looks for the connection string when given none."""

SCHEME = "mongodb://"
SRV_SCHEME = "mongodb+srv://"
REDACTED = "****"

_KEY_PASSWORD_OPTION = "tlscertificatekeyfilepassword"  # noqa: S105 (a name, not a value)
_KEY_PASSWORD_VALUE = re.compile(r"(?<=tlsCertificateKeyFilePassword=)[^&;]*", re.IGNORECASE)
# Characters that end the user information of a URI early when left unescaped.
_UNESCAPED_IN_USERINFO = ("@", "/", "?")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")

_ESCAPE_FIX = (
    "percent-encode the user name and password before putting them in the URI, e.g. "
    'python -c "import getpass, urllib.parse; '
    'print(urllib.parse.quote_plus(getpass.getpass()))". '
    "An '@' anywhere else in the URI (in an option value) must be written %40."
)
_URI_WHY = (
    "pymongo reads the URI left to right; an unescaped character or a wrong option "
    "makes it connect somewhere else, use the wrong database, or fail later with a "
    "message that does not point here."
)


@dataclass(frozen=True)
class ConnectionString:
    """A connection string taken apart just enough to check and redact it."""

    uri: str = field(repr=False)
    is_srv: bool
    options: Mapping[str, Any]
    """URI options as written; pymongo validates them when it builds the client."""
    secrets: tuple[str, ...] = field(repr=False)
    """Every secret the URI holds, in every form it may be echoed (raw and unescaped)."""
    redacted: str
    srv_host: str | None
    """The DNS name of a ``mongodb+srv://`` URI, looked up for SRV and TXT records."""

    def __str__(self) -> str:
        return self.redacted


def resolve(uri: str | None) -> str:
    """Return ``uri``, or the ``MONGODB_URI`` environment variable when ``uri`` is None."""
    if uri is None:
        uri = os.environ.get(ENVIRONMENT_VARIABLE)
        if not uri:
            raise ConnectionStringError(
                f"No connection string was given and the {ENVIRONMENT_VARIABLE} environment "
                "variable is not set.",
                why="atlasconnect needs to know which cluster to connect to.",
                fix=(
                    f"pass it, connect('mongodb+srv://...'), or set {ENVIRONMENT_VARIABLE}; "
                    "copy it from the Atlas UI: Database > Connect > Drivers > Python."
                ),
                redacted_uri=None,
            )
    if not isinstance(uri, str):
        raise TypeError(f"the connection string must be a str, not {type(uri).__name__}")
    return uri


def parse(uri: str) -> ConnectionString:
    """Check the scheme, credentials and options of ``uri`` and find its secrets.

    Hosts, ports and the database name are left to pymongo; its errors are
    redacted with the secrets found here.
    """
    scheme = next((s for s in (SCHEME, SRV_SCHEME) if uri.startswith(s)), None)
    if scheme is None:
        raise ConnectionStringError(
            "The connection string does not start with mongodb:// or mongodb+srv://.",
            why=_URI_WHY,
            fix=(
                "copy the connection string from the Atlas UI (Database > Connect > Drivers); "
                "it starts with mongodb+srv://."
            ),
            redacted_uri=None,
        )
    userinfo, at, rest = uri[len(scheme) :].rpartition("@")
    hosts_and_path, question, query = rest.partition("?")
    redacted = scheme + (_redact_userinfo(userinfo) + "@" if at else "") + hosts_and_path
    redacted += question + _redact_query(query)
    if at:
        _check_userinfo(userinfo, redacted)
    secrets = _credential_secrets(userinfo) + _option_secrets(query)
    options = _options(query, secrets, redacted) if query else {}
    return ConnectionString(
        uri=uri,
        is_srv=scheme == SRV_SCHEME,
        options=options,
        secrets=secrets,
        redacted=redacted,
        srv_host=unquote_plus(re.split("[/?]", rest, maxsplit=1)[0])
        if scheme == SRV_SCHEME
        else None,
    )


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of every secret in ``text`` with ``****``."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def keyword_secrets(keywords: Mapping[str, Any]) -> tuple[str, ...]:
    """Secrets passed as client keywords (``password``, ``tlsCertificateKeyFilePassword``)."""
    return tuple(
        str(value)
        for name, value in keywords.items()
        if name.lower() in ("password", _KEY_PASSWORD_OPTION) and value
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
    return (password, unquote_plus(password)) if colon and password else ()


def _redact_userinfo(userinfo: str) -> str:
    user, colon, _ = userinfo.partition(":")
    if _BAD_PERCENT.search(user) or any(c in user for c in _UNESCAPED_IN_USERINFO):
        return REDACTED
    return user + (":" + REDACTED if colon else "")


def _option_secrets(query: str) -> tuple[str, ...]:
    values = _KEY_PASSWORD_VALUE.findall(query)
    return tuple(v for value in values if value for v in (value, unquote_plus(value)))


def _redact_query(query: str) -> str:
    return _KEY_PASSWORD_VALUE.sub(REDACTED, query)


def _options(query: str, secrets: tuple[str, ...], redacted: str) -> Mapping[str, Any]:
    try:
        return split_options(query, validate=False, warn=False, normalize=False)
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
        split_options(query, validate=True, warn=False, normalize=False)
    except (PyMongoError, ValueError, TypeError, OSError) as exc:
        error = invalid_option_error(exc, parsed.secrets, parsed.redacted, _refused_option(query))
    else:
        return
    raise error


def _refused_option(query: str) -> str | None:
    """The first option pymongo refuses on its own; its messages do not always name it."""
    for pair in re.split("[&;]", query):
        try:
            split_options(pair, validate=True, warn=False, normalize=False)
        except (PyMongoError, ValueError, TypeError, OSError):
            return pair.partition("=")[0]
    return None


def invalid_option_error(
    exc: BaseException,
    secrets: Iterable[str],
    redacted_uri: str | None,
    option: str | None = None,
) -> ConnectionStringError:
    """Turn pymongo's complaint about a URI or an option into a redacted, explained error.

    Raise the result outside the ``except`` block that caught ``exc``, so that
    pymongo's unredacted exception is not chained to it.
    """
    refused = f"the option {option!r}" if option else "the connection string or a client option"
    return ConnectionStringError(
        f"pymongo refused {refused}: {redact(str(exc), secrets)}",
        why=_URI_WHY,
        fix=(
            "correct the part named above; connection string options and their values are "
            "listed at https://www.mongodb.com/docs/manual/reference/connection-string-options/"
        ),
        redacted_uri=redacted_uri,
    )
