"""The configuration family: options pymongo removed, and connection strings its URI parser
refuses."""

from __future__ import annotations

import re

from .. import _connection_string as connection_string
from .._exceptions import (
    ConnectionStringError,
)
from ._profile import UNKNOWN_CLIENT, ConnectionProfile

# Options pymongo 4 removed, with the one that replaced each (pymongo's 4.0 migration guide).
_REMOVED_OPTIONS = {
    "ssl_cert_reqs": "nothing: certificates are always verified (tlsCAFile=... names a CA file)",
    "ssl_ca_certs": "tlsCAFile",
    "ssl_certfile": "tlsCertificateKeyFile",
    "ssl_keyfile": "tlsCertificateKeyFile",
    "ssl_pem_passphrase": "tlsCertificateKeyFilePassword",
    "ssl_match_hostname": "nothing: host names are always checked",
    "ssl_crlfile": "tlsCRLFile",
    "ssl_check_hostname": "nothing: host names are always checked",
    "sslcertificatekeyfile": "tlsCertificateKeyFile",
    "socketkeepalive": "nothing: keepalive is always on",
    "waitqueuemultiple": "maxConnecting",
}


def removed_option(message: str, profile: ConnectionProfile) -> ConnectionStringError | None:
    """``Unknown option ssl_cert_reqs``: an option pymongo 3 had and pymongo 4 removed."""
    match = re.search(r"Unknown option:? ?([A-Za-z_]+)", message)
    if match is None or match.group(1).lower() not in _REMOVED_OPTIONS:
        return None
    name = match.group(1)
    return ConnectionStringError(
        f"pymongo refused the option {name!r}: pymongo 4 removed it.",
        why="pymongo 4 renamed the ssl_* options to tls* ones and dropped some others; code "
        "or a connection string written for pymongo 3 still names them.",
        fix=f"replace {name} with {_REMOVED_OPTIONS[name.lower()]}. atlasconnect.connect() "
        "sets TLS and its CA bundle itself; the list of renamed options is at "
        "https://pymongo.readthedocs.io/en/stable/migrate-to-pymongo4.html",
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
