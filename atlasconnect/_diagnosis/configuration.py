"""The configuration family: options pymongo does not know, and connection strings its URI
parser refuses."""

from __future__ import annotations

import re

from .. import _connection_string as connection_string
from .. import _proxies as proxies
from .. import _secrets as secrets
from .. import _shell as shell
from .._exceptions import (
    ConnectionStringError,
)
from ._profile import UNKNOWN_CLIENT, ConnectionProfile


def unknown_option(message: str, profile: ConnectionProfile) -> ConnectionStringError | None:
    """``Unknown option tlsCAfiles``: a near miss of an option pymongo knows (a removed one
    is :mod:`.compatibility`'s), with that option.

    Any other unknown name may be the tail of a password whose ``&`` was not
    escaped (:mod:`atlasconnect._connection_string`): it is neither shown nor
    explained.
    """
    from .._tables import pymongo_options

    match = re.search(r"Unknown option:? ?'?(\w+)", message)
    redacted_uri = None if profile is UNKNOWN_CLIENT else profile.redacted_uri
    proxy = proxies.proxy_option(match.group(1)) if match else None
    if proxy is not None:  # pymongo ignores it with this warning, and connects directly
        return proxies.proxy_error(proxy, redacted_uri)
    meant = secrets.near_miss(match.group(1)) if match else None
    if match is None or meant is None:
        return None
    spelled = pymongo_options.valid_options().get(meant, meant)
    return ConnectionStringError(
        f"pymongo does not know the option {shell.prose(match.group(1))}: did you mean {spelled}?",
        why="pymongo refuses an option it does not know when it is a keyword, and ignores it "
        "with only a warning in a connection string: a misspelled option does nothing.",
        fix=f"write {spelled}; pymongo's options are listed at "
        "https://www.mongodb.com/docs/manual/reference/connection-string-options/",
        redacted_uri=redacted_uri,
    )


# pymongo 4's words ("TLS has not been enabled but the following tls parameters have been
# set: tlscafile. Please set `tls=True` or remove."), and pymongo 3's ("ssl has not...").
_TLS_OPTIONS_WITHOUT_TLS = (
    r"(?:TLS|ssl) has not been enabled but the following \w+ parameters have been set: ([\w, ]+)"
)


def tls_options_without_tls(
    message: str, profile: ConnectionProfile
) -> ConnectionStringError | None:
    """TLS switched off (``tls=false``, ``ssl=false``) beside options that only TLS uses."""
    match = re.search(_TLS_OPTIONS_WITHOUT_TLS, message, re.IGNORECASE)
    if match is None:
        return None
    return ConnectionStringError(
        f"TLS is switched off (tls=false or ssl=false), and TLS options are set: "
        f"{shell.prose(match.group(1).strip())}.",
        why="pymongo refuses TLS options for a client without TLS; and Atlas accepts only TLS "
        "connections, so TLS must be on.",
        fix="remove tls=false (or ssl=false) from the connection string and the options: "
        "atlasconnect.connect() always enables TLS; a tool or framework that adds such "
        "options itself (pymongo 3's ssl_cert_reqs) must be told to use TLS.",
        redacted_uri=None if profile is UNKNOWN_CLIENT else profile.redacted_uri,
    )


# What pymongo's URI parser says, and nothing else says.
URI_COMPLAINT = (
    r"RFC 3986|Bad database name|must not include a port|Invalid URI scheme|URI must begin"
    r"|key=value pairs|Port must be|Port contains|Empty host|must include one, and only one"
    r"|is not a valid hostname for 'mongodb\+srv://'"
)


_URI_MISTAKES = [
    (
        r"escaped according to RFC 3986|Bad database name",
        "the user name or password holds a character ('@', ':', '/', '%') that must be "
        "percent-encoded",
        "percent-encode the user name and password before putting them in the URI, e.g. "
        '`python -c "import getpass, urllib.parse; '
        'print(urllib.parse.quote_plus(getpass.getpass()))"`.',
    ),
    (
        r"must not include a port number",
        "a mongodb+srv:// connection string names a port",
        "remove the port (':27017'): the cluster's name is looked up in DNS, and its SRV "
        "record gives each server's port.",
    ),
    (
        r"Empty host",
        "a host in the list is empty: an extra or trailing comma, or a variable that was "
        "empty when the host list was built",
        "check the host list between '@' and '/' for a stray comma, and copy the "
        "connection string from Atlas: Database > Connect > Drivers.",
    ),
    (
        r"is not a valid hostname for 'mongodb\+srv://'",
        "the host of a mongodb+srv:// string must be a DNS name of three or more parts, "
        "like an Atlas cluster's name (cluster0.abcde.mongodb.net)",
        "copy the connection string from Atlas: Database > Connect > Drivers; for one "
        "server, or a name of fewer parts, write mongodb://host:port instead.",
    ),
    (
        r"host: none is not a valid hostname",
        "its host is the word None: " + connection_string.UNSET_VARIABLE_WHY.rstrip("."),
        connection_string.UNSET_VARIABLE_FIX,
    ),
    (
        r"URI must begin with|Invalid URI scheme",
        "the connection string does not start with mongodb:// or mongodb+srv:// (an unset "
        "environment variable formatted into it reads 'None')",
        connection_string.UNSET_VARIABLE_FIX,
    ),
]


def uri_error(message: str, profile: ConnectionProfile) -> ConnectionStringError:
    """Every InvalidURI, without echoing pymongo's text (it may quote a password)."""
    problem, fix = "the connection string is malformed", connection_string.OPTIONS_FIX
    for pattern, known_problem, known_fix in _URI_MISTAKES:
        if re.search(pattern, message, re.IGNORECASE):
            problem, fix = known_problem, known_fix
    said = re.split(r"[:\"']", message, maxsplit=1)[0].strip()
    return ConnectionStringError(
        f"pymongo refused the connection string ({said}): {problem}.",
        why=connection_string.URI_WHY,
        fix=fix,
        redacted_uri=None if profile is UNKNOWN_CLIENT else profile.redacted_uri,
    )
