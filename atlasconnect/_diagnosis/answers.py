"""What a server answered an operation: its code, read in MongoDB's table of error codes.

The signal is the answer's ``code`` (and ``codeName``), which pymongo keeps on
its ``OperationFailure``; Atlas's own proxy answers with code 8000 and says why
in words, which its table (``ATLAS_TEXTS``) reads. A text someone pasted has
lost the exception but usually kept the ``full error: {...}`` document or the
server's words: :func:`code_in_text` finds the code there, or the one the words
belong to. Each family of codes goes to its module; codes that are not about
reaching or using the cluster (a duplicate key, a bad query) give None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from pymongo.errors import OperationFailure

from .. import _pymongo_internals as pymongo_internals
from .._exceptions import AtlasConnectError, CompatibilityError, ConnectionStringError
from .._families import Reason
from .._network_errors import QuotaExceededError, ServerUnreachableError
from .authentication import (
    AUTHENTICATION_FAILED_CODES,
    authorization_error,
    login_refused,
    not_logged_in,
    says_not_logged_in,
    sni_refused,
)

if TYPE_CHECKING:
    from .._tables.server_codes import ServerCode

ATLAS_ERROR = 8000
"""The code Atlas's proxy answers with (``AtlasError``); its words say why."""

# Codes of the configuration family that are about the client's settings (the replica
# set, the write concern, loadBalanced, appName), not about a command's arguments.
_SETTINGS_CODES = frozenset({71, 76, 79, 100, 108, 123, 184, 185, 354})
# Codes of the server_state family that say the server is going away.
_SHUTDOWN_CODES = frozenset({91, 333, 11600})
_SPACE_CODES = frozenset({14031})

# Words a server answers with, and the code they belong to, for a text whose code was
# lost: most telling first.
_WORDS = (
    (r"requires authentication|there are no users authenticated", 13),
    (r"not authorized on \S+ to execute|\(Unauthorized\)", 13),
    (r"bad auth\b|user is not allowed to do action|over your space quota|no SNI name", 8000),
    (r"\bauthentication failed", 18),
)
_CODE = re.compile(r"""(?:['"]?code['"]?\s*[:=]\s*|\bcode\s+)(\d+)""", re.IGNORECASE)


def code_in_text(message: str) -> int | None:
    """The server's error code a text quotes, else the one its words belong to."""
    quoted = _CODE.search(message)
    if quoted is not None:
        return int(quoted.group(1))
    return next((code for words, code in _WORDS if re.search(words, message, re.I)), None)


def explain_answer(
    exc: OperationFailure, login: pymongo_internals.Login | None
) -> AtlasConnectError | None:
    """The typed error for a server's answer, by its code; None for an answer about data.

    ``login`` is what the client tried (None when the client is not known):
    the server's answer never says which user or database it refused.
    """
    from .._tables import server_codes

    details = exc.details if isinstance(exc.details, Mapping) else {}
    message = str(details.get("errmsg") or exc)
    code = exc.code if exc.code is not None else code_in_text(message)
    if code == ATLAS_ERROR:
        return _atlas_answer(message, exc.code, login)
    if code in AUTHENTICATION_FAILED_CODES:
        return login_refused(message, exc.code, login)
    row = server_codes.CODES.get(code) if code is not None else None
    if row is None:
        return None
    return _by_family(row, message, exc.code, login)


def _atlas_answer(
    message: str, code: int | None, login: pymongo_internals.Login | None
) -> AtlasConnectError | None:
    """Atlas's proxy said why in words (``code``: the one the error carried, if any)."""
    from .._tables import server_codes

    text = server_codes.atlas_text(message)
    if text is None:
        return login_refused(message, code, login) if "auth" in message.lower() else None
    if "sni" in text.words[0]:
        return sni_refused(message, code)
    if text.family == "authentication":
        return login_refused(message, code, login)
    if text.family == "authorization":
        return authorization_error(message, code, login, meaning=text.meaning, fix=text.fix)
    if text.family == "quota":
        reason = Reason.SPACE_QUOTA if "space" in message.lower() else Reason.LIMIT
        return QuotaExceededError(
            f"Atlas refused the operation: {message}",
            why=f"{text.meaning[0].upper()}{text.meaning[1:]}",
            fix=text.fix,
            code=code,
            reason=reason,
        )
    return CompatibilityError(
        f"Atlas refused the operation: {message}",
        why=f"{text.meaning[0].upper()}{text.meaning[1:]}",
        fix=text.fix,
        reason=Reason.UNSUPPORTED_BY_SERVER,
    )


def _by_family(
    row: ServerCode, message: str, code: int | None, login: pymongo_internals.Login | None
) -> AtlasConnectError | None:
    """The error of ``row``'s family; ``code`` is the one the error carried, if any."""
    found = f"The server answered {row.name or 'code'} ({row.code}): {message}"
    why = f"{row.meaning[0].upper()}{row.meaning[1:]}"
    if row.family == "authentication":
        return login_refused(message, code, login)
    if row.family == "authorization":
        if says_not_logged_in(message):
            return not_logged_in(message, code, login)
        return authorization_error(message, row.code, login, meaning=row.meaning, fix=row.fix)
    if row.family == "quota":
        reason = Reason.SPACE_QUOTA if row.code in _SPACE_CODES else Reason.LIMIT
        return QuotaExceededError(found, why=why, fix=row.fix, code=row.code, reason=reason)
    if row.family == "compatibility":
        reason = (
            Reason.SERVER_TOO_NEW if row.name == "OutdatedClient" else Reason.UNSUPPORTED_BY_SERVER
        )
        return CompatibilityError(found, why=why, fix=row.fix, reason=reason)
    if row.family == "no_primary" or row.code in _SHUTDOWN_CODES:
        reason = Reason.NO_PRIMARY if row.family == "no_primary" else Reason.SHUTTING_DOWN
        return ServerUnreachableError(found, why=why, fix=row.fix, server_errors={}, reason=reason)
    if row.family == "configuration" and row.code in _SETTINGS_CODES:
        return ConnectionStringError(found, why=why, fix=row.fix, redacted_uri=None)
    return None
