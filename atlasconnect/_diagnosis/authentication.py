"""The authentication and authorization families: who the client logs in as, and what that
user may do.

The server refused the login (codes 18 and 8000 "bad auth", or the client sent
no credentials where the server requires them), or accepted it and refused an
operation the user has no role for (code 13, Atlas's 8000 "user is not allowed
to do action"); and Atlas's "no SNI name sent". :mod:`.answers` reads the code
and calls these.
"""

from __future__ import annotations

import re

from .. import _pymongo_internals as pymongo_internals
from .. import _shell as shell
from .._exceptions import uncertain
from .._families import Family
from .._network_errors import AuthenticationError, AuthorizationError, SNIRefusedError

AUTHENTICATION_FAILED_CODES = (18,)
"""The server's code for a refused login (Atlas's proxy says it with 8000 and "bad auth")."""


def sni_refused(message: str, code: int | None) -> SNIRefusedError:
    return SNIRefusedError(
        f"Atlas refused the connection: {message}",
        why="shared and free tier clusters route connections by the SNI name and refuse "
        "clients that send none.",
        fix="connect by host name, not IP address, from a Python whose TLS library sends "
        'SNI: `python -c "import ssl; print(ssl.HAS_SNI)"` must print True.',
        code=code,
    )


def login_refused(
    message: str, code: int | None, login: pymongo_internals.Login | None
) -> AuthenticationError:
    """The server refused the user name or the password."""
    refused = message if code is None else f"code {code}: {message}"
    if login is None:
        found = (
            f"The server refused the user name or password ({refused}). The error does "
            "not say which user and authSource were tried."
        )
    else:
        found = f"The server refused the login of {_who(login)} ({refused})."
    return AuthenticationError(
        found,
        why="Atlas checks a database user (Security > Database Access), which is not "
        "the login of the Atlas website, and looks it up in authSource (admin on Atlas).",
        fix=_login_fix(login),
        code=code,
    )


# The server's words for a client that never logged in: MongoDB 3.6 and newer say
# "command find requires authentication"; older ones "there are no users authenticated".
_NOT_LOGGED_IN = r"requires authentication|there are no users authenticated"


def says_not_logged_in(message: str) -> bool:
    return re.search(_NOT_LOGGED_IN, message, re.IGNORECASE) is not None


def not_logged_in(
    message: str, code: int | None, login: pymongo_internals.Login | None
) -> AuthenticationError:
    """The server requires a login, and this client sent no credentials."""
    return AuthenticationError(
        f"The server requires a login and the client sent none ({message}).",
        why="a server with access control (every Atlas cluster) runs no command for a client "
        "that has not logged in; the connection string, or the framework's settings, carry "
        "no user name and password, or a framework builds its client without them.",
        fix="put the database user's name and password in the connection string "
        "(mongodb+srv://USER:PASSWORD@...), percent-encoded, as Atlas shows it under "
        "Database > Connect > Drivers; with a framework, check that its settings reach the "
        "client it builds.",
        code=code,
        reason="not_logged_in",
    )


# Where the server names the refused action: "not authorized on DB to execute command
# { ACTION: ..." (code 13), "user is not allowed to do action [ACTION] on [DB.COLL]" (8000).
_REFUSED_ACTION = (
    r"not authorized on (?P<db>\S+) to execute command \{ ?(?P<action>\w+)"
    r"|not allowed to do action \[(?P<action2>\w+)\] on \[(?P<db2>[^\]]+)\]"
)


def authorization_error(
    message: str,
    code: int | None,
    login: pymongo_internals.Login | None,
    *,
    meaning: str,
    fix: str,
) -> AuthorizationError:
    """The user logged in (or, from a text alone, most likely did) but has no role for this."""
    match = re.search(_REFUSED_ACTION, message)
    action = (match.group("action") or match.group("action2")) if match else None
    resource = (match.group("db") or match.group("db2")) if match else None
    who = f"the user {_quoted(login.user)}" if login and login.user else "the database user"
    what = f"run {shell.prose(action)}" if action else "do this"
    where = f" on {shell.prose(resource)}" if resource else ""
    found = f"The server would not let {who} {what}{where} ({message})."
    # MongoDB before 3.6 answered a client that never logged in with these words too.
    unsure = login is None and code == 13 and match is not None and match.group("db") is not None
    if unsure:
        found += (
            " Most likely the user lacks the role; if the client sent no user name and "
            "password, it must log in first (servers before MongoDB 3.6 answered so too)."
        )
    error = AuthorizationError(
        found,
        why=f"{meaning[0].upper()}{meaning[1:]} Atlas gives each database user roles "
        "(Security > Database Access): read or readWrite on a database, or on every "
        "database; a user without one on a database cannot use it, and listing every "
        "database needs a role on all of them.",
        fix=fix,
        code=code,
        action=action,
        resource=resource,
    )
    return uncertain(error, Family.AUTHENTICATION) if unsure else error


# Database names of Atlas's sample connection strings, left in place by many users.
_ATLAS_PLACEHOLDER_DATABASES = ("myFirstDatabase", "<dbname>", "<database>")
# authSource of the mechanisms whose users live outside any database (X.509, AWS, OIDC...).
_EXTERNAL_SOURCE = "$external"
_ATLAS_SOURCE = "admin"


def _who(login: pymongo_internals.Login) -> str:
    """``user 'app' with authSource 'admin'`` (and the mechanism, when one was set)."""
    who = f"user {_quoted(login.user)}" if login.user is not None else "the client's certificate"
    mechanism = f" and authMechanism {login.mechanism}" if login.mechanism != "DEFAULT" else ""
    return f"{who} with authSource {_quoted(login.source)}{mechanism}"


def _quoted(value: str | None) -> str:
    """``'value'``, as repr writes it, with no backquote to start a command in a fix."""
    return shell.prose(repr(value))


def _login_fix(login: pymongo_internals.Login | None) -> str:
    """What to check for a refused login: the user tried when it is known, else where to look."""
    encode = "percent-encode special characters of the password with urllib.parse.quote_plus"
    if login is None:
        return (
            "check the connection string the program uses: its user name (between '//' and "
            "':') must be a user listed under Database Access in Atlas, its password that "
            f"user's (reset it there if unsure; {encode}), and authSource must be "
            f"{_ATLAS_SOURCE} or left out."
        )
    if login.source == _EXTERNAL_SOURCE:
        return (
            f"check that {_who(login)} is a user under Database Access in Atlas with that "
            "authentication method, and that its credentials are current."
        )
    user = f"the user {_quoted(login.user)}"
    if login.source in _ATLAS_PLACEHOLDER_DATABASES:
        return (
            f"authSource is {_quoted(login.source)}, the placeholder database of the connection "
            "strings Atlas used to show, taken as authSource because no authSource is "
            f"given; Atlas keeps every database user in {_ATLAS_SOURCE}: replace "
            f"/{login.source} with your database's name and add authSource={_ATLAS_SOURCE} to "
            f"the options. Then check that {user} is listed under Database Access."
        )
    if login.source != _ATLAS_SOURCE:
        return (
            f"authSource is {_quoted(login.source)}, but Atlas keeps every database user in "
            f"{_ATLAS_SOURCE}: write authSource={_ATLAS_SOURCE} in the connection string's "
            "options (a database in its path is also the authSource when none is given). "
            f"Then check that {user} is listed under Database Access with this password."
        )
    return (
        f"check that {user} is listed under Database Access in Atlas and that the password is "
        f"its own (reset it there if unsure); {encode}. authSource={_ATLAS_SOURCE}, as here, "
        "is right for Atlas."
    )
