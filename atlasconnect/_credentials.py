"""The credentials of a connection string: refused before pymongo would misread or fail on them.

A user name or password with a character that separates the parts of a URI
(pymongo would split the credentials in the wrong place), a user without a
password, and a password SASLprep refuses (SCRAM-SHA-256, Atlas's mechanism,
would fail at the first operation). The explanations name the kinds of
characters at fault, never the characters. Atlas's placeholders
(``<db_password>``) are :mod:`atlasconnect._uri_text`'s to find.
"""

from __future__ import annotations

import stringprep
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import _pymongo_internals as pymongo_internals
from . import _shell as shell
from ._exceptions import ConnectionStringError
from ._secrets import BAD_PERCENT, UNESCAPED_IN_USERINFO

if TYPE_CHECKING:
    from ._connection_string import ConnectionString

_ESCAPE_FIX = (
    "percent-encode the user name and password before putting them in the URI, e.g. "
    '`python -c "import getpass, urllib.parse; '
    'print(urllib.parse.quote_plus(getpass.getpass()))"`. '
    "An '@' anywhere else in the URI (in an option value) must be written %40."
)


def check_userinfo(userinfo: str, redacted_uri: str) -> None:
    """No character that separates the parts of a URI, unescaped, in its user information."""
    unescaped = [c for c in UNESCAPED_IN_USERINFO if c in userinfo]
    if userinfo.count(":") > 1:
        unescaped.append(":")
    if BAD_PERCENT.search(userinfo):
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
