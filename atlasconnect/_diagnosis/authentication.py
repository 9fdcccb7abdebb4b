"""The authentication family: the server refused the login (codes 18 and 8000), and Atlas's
"no SNI name sent"."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pymongo.errors import (
    OperationFailure,
)

from .. import _pymongo_internals as pymongo_internals
from .. import _shell as shell
from .._exceptions import (
    AtlasConnectError,
    AuthenticationError,
    SNIRefusedError,
)

AUTHENTICATION_FAILED_CODES = (18, 8000)


# How the server words a failed authentication (code 18; Atlas's 8000 adds "bad auth"),
# for an OperationFailure whose code was lost (a paste, a framework that re-raised it).
_AUTHENTICATION_FAILED = r"\s*(?:bad auth\s*:\s*)?authentication failed"


def explain_operation_failure(
    exc: OperationFailure, login: pymongo_internals.Login | None
) -> AtlasConnectError | None:
    """Authentication failures (codes 18 and 8000, or no code and the server's words for
    one) and Atlas's 'no SNI name sent'.

    ``login`` is what the client tried (None when the client is not known):
    the server's answer never says which user or database it refused.
    """
    details = exc.details if isinstance(exc.details, Mapping) else {}
    message = str(details.get("errmsg") or exc)
    if exc.code == 8000 and "sni" in message.lower():
        return SNIRefusedError(
            f"Atlas refused the connection: {message}",
            why="shared and free tier clusters route connections by the SNI name and refuse "
            "clients that send none.",
            fix="connect by host name, not IP address, from a Python whose TLS library sends "
            'SNI: `python -c "import ssl; print(ssl.HAS_SNI)"` must print True.',
            code=exc.code,
        )
    lost_code = exc.code is None and re.match(_AUTHENTICATION_FAILED, message, re.IGNORECASE)
    if exc.code in AUTHENTICATION_FAILED_CODES or lost_code:
        refused = message if exc.code is None else f"code {exc.code}: {message}"
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
            code=exc.code,
        )
    return None


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
