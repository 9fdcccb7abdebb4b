"""The errors atlasconnect raises.

Every error explains itself in three parts, each also kept as an attribute so
that programs can act on it without parsing text:

- ``found``: what was found, in this environment or this connection string;
- ``why``: why that matters for a connection to MongoDB Atlas;
- ``fix``: the exact thing to do about it (a command, an option to change),
  with settings written as :func:`atlasconnect.connect` keyword arguments;
- ``cli_fix``: the same fix for someone at the command line (``atlasconnect
  doctor``, ``atlasconnect explain``), with settings written as options of the
  connection string; the same text as ``fix`` when that names no setting.
  :func:`fix_for` chooses between them.

Each class is also the pymongo exception that a plain ``MongoClient`` user
would have caught in the same situation, and only that one: existing
``except pymongo.errors.ConfigurationError:`` blocks keep catching what they
caught before, and no more. A run-time error is related to the environment
error it is a form of through atlasconnect's own classes
(``except TLSVersionUnsupportedError`` catches ``TLSVersionRefusedError`` too),
never through a second pymongo base; the two environment errors that have a
run-time form are therefore ``PyMongoError``, the ancestor both forms share.

The tree of errors::

    AtlasConnectError (Exception)
        SNIUnsupportedError (PyMongoError)
            SNIRefusedError (OperationFailure)
        TLSVersionUnsupportedError (PyMongoError)
            TLSVersionRefusedError (ServerSelectionTimeoutError)
        MissingDependencyError (ConfigurationError)
        CABundleError (ConfigurationError)
        InsecureConfigurationError (ConfigurationError)
        ConnectionStringError (InvalidURI, ValueError)
        CompatibilityError (ConfigurationError)
        DNSResolutionError (ConfigurationError)
        NetworkAccessError (ServerSelectionTimeoutError)
        CertificateVerificationError (ServerSelectionTimeoutError)
        ServerUnreachableError (ServerSelectionTimeoutError)
        AuthenticationError (OperationFailure)
        AuthorizationError (OperationFailure)
        QuotaExceededError (OperationFailure)

Each line names a class and, in brackets, the classes from outside
atlasconnect (pymongo's, Python's) it adds to those of its parent. The errors
found before any connection (this machine, the configuration) are defined
here; those found by talking to servers (the network, TLS, DNS, the servers'
answers) in :mod:`atlasconnect._network_errors`.

An error's family is its class's (:attr:`AtlasConnectError.family`), or, for
an error with a ``reason``, that :class:`~atlasconnect.Reason`'s: one table
(:mod:`atlasconnect._families`) says which.

Every error survives ``pickle`` and ``copy`` whole, so it can cross a process
boundary (multiprocessing, ``ProcessPoolExecutor``, task queues).

No message ever holds a secret: messages are built from parts already
redacted (see :mod:`atlasconnect._connection_string` for the rule), and the
pymongo exception is never chained.
"""

from __future__ import annotations

import copyreg
import ssl
from typing import Any, ClassVar, TypeVar

from pymongo.errors import (
    ConfigurationError,
    InvalidURI,
    PyMongoError,
)

from ._families import Family, Reason
from ._phrasing import Audience

__all__ = [
    "AtlasConnectError",
    "CABundleError",
    "CompatibilityError",
    "ConnectionStringError",
    "InsecureConfigurationError",
    "MissingDependencyError",
    "SNIUnsupportedError",
    "TLSVersionUnsupportedError",
    "checked_reason",
    "family_of",
    "fix_for",
    "uncertain",
]


class AtlasConnectError(Exception):
    """Base class of every error atlasconnect raises.

    .. versionadded:: 0.1.0
    """

    found: str
    """What was found."""
    why: str
    """Why it matters for a connection to MongoDB Atlas."""
    fix: str
    """What to do about it, settings written as :func:`atlasconnect.connect` keywords."""
    _cli_fix: str | None = None
    """The command-line fix when it differs from ``fix``. A class default, so that an error
    made without ``__init__`` or pickled before it existed reads ``fix``."""

    family: ClassVar[Family] = Family.ENVIRONMENT
    """The failure family of this class's errors, and so the exit status of
    ``atlasconnect doctor`` when it finds one (:class:`~atlasconnect.Family`).

    .. versionadded:: 0.1.0
    """
    certain: bool = True
    """False when what was read fits more than one cause: ``found`` then names the most
    likely one first, and :attr:`alternatives` the families of the others.

    .. versionadded:: 0.1.0
    """
    alternatives: tuple[Family, ...] = ()
    """The families of the other causes, most likely first, when :attr:`certain` is False.

    .. versionadded:: 0.1.0
    """
    reasons: ClassVar[tuple[Reason, ...]] = ()
    """The :class:`~atlasconnect.Reason` values this class's ``reason`` takes (empty for a
    class without one); each belongs to its own family, which may differ from
    :attr:`family`.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        **driver_arguments: Any,
    ) -> None:
        # driver_arguments reach the pymongo base class, e.g. OperationFailure's code.
        self.found = found
        self.why = why
        self.fix = fix
        self._cli_fix = cli_fix
        super().__init__(explanation(found, why, fix), **driver_arguments)

    @property
    def cli_fix(self) -> str:
        """What to do about it at the command line: settings written as connection-string
        options (``&tlsCAFile=...``) or the doctor's flags. The same text as ``fix``
        when that names no setting.

        .. versionadded:: 0.1.0
        """
        return self.fix if self._cli_fix is None else self._cli_fix

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle and copy rebuild the error from its args and attributes.

        Python's default re-runs ``__init__`` with ``args`` alone, which cannot
        work: the fields are keyword-only. Creating the object without
        ``__init__`` and restoring its ``__dict__`` brings back every field and
        pymongo's own state (``OperationFailure``'s code and details, error labels).
        """
        # typeshed does not declare copyreg.__newobj__, which pickle knows (NEWOBJ).
        return copyreg.__newobj__, (type(self), *self.args), self.__dict__  # type: ignore[attr-defined]


def explanation(found: str, why: str, fix: str) -> str:
    """The message of an error: what was found, why it matters, how to fix it."""
    return f"{found}\n  Why it matters: {why}\n  How to fix it: {fix}"


def fix_for(error: AtlasConnectError, audience: Audience) -> str:
    """The fix of ``error`` phrased for ``audience``: ``"python"`` (a program calling
    ``connect()``: :attr:`~AtlasConnectError.fix`) or ``"cli"`` (a command-line user:
    :attr:`~AtlasConnectError.cli_fix`)."""
    return error.cli_fix if audience == "cli" else error.fix


def family_of(error: AtlasConnectError) -> Family:
    """The failure family of ``error``: its reason's, if it has one, else its class's."""
    reason = getattr(error, "reason", None)
    return reason.family if isinstance(reason, Reason) else type(error).family


def uncertain(error: _Error, *alternatives: Family) -> _Error:
    """``error``, marked as the most likely of several causes, the others of ``alternatives``.

    Its ``found`` must already say so, in words; this only records it for programs.
    """
    error.certain = False
    error.alternatives = alternatives
    return error


_Error = TypeVar("_Error", bound=AtlasConnectError)


def checked_reason(reason: Reason | str, cls: type[AtlasConnectError]) -> Reason:
    """``reason`` as a :class:`Reason` of ``cls``: the vocabulary is closed."""
    member = Reason.of(reason)
    if member not in cls.reasons:
        raise ValueError(f"{member.value!r} is not a reason of {cls.__name__}")
    return member


class SNIUnsupportedError(AtlasConnectError, PyMongoError):
    """This Python's TLS library cannot send Server Name Indication (SNI).

    Atlas routes every connection by the host name in SNI; shared and free
    tier clusters refuse clients that send none.

    .. versionadded:: 0.1.0
    """


class TLSVersionUnsupportedError(AtlasConnectError, PyMongoError):
    """This Python cannot speak a TLS version at or above the requested floor.

    .. versionadded:: 0.1.0
    """

    min_tls_version: ssl.TLSVersion
    """The TLS floor that was requested."""
    available: tuple[ssl.TLSVersion, ...]
    """The TLS versions this Python's TLS library offers."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        min_tls_version: ssl.TLSVersion,
        available: tuple[ssl.TLSVersion, ...],
    ) -> None:
        self.min_tls_version = min_tls_version
        self.available = available
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class MissingDependencyError(AtlasConnectError, ConfigurationError):
    """A package atlasconnect needs is missing, too old, or changed its internals.

    .. versionadded:: 0.1.0
    """

    package: str
    """The distribution name, as given to ``pip install``."""
    installed_version: str | None
    """The version found, or ``None`` when the package cannot be imported."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        package: str,
        installed_version: str | None,
    ) -> None:
        self.package = package
        self.installed_version = installed_version
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class CABundleError(AtlasConnectError, ConfigurationError):
    """The CA bundle used to verify Atlas's certificates is missing, unreadable or empty.

    .. versionadded:: 0.1.0
    """

    reasons = (
        Reason.CA_FILE_MISSING,
        Reason.CA_FILE_UNREADABLE,
        Reason.CA_FILE_INVALID,
        Reason.CA_FILE_EMPTY,
    )

    path: str
    """The CA file that was checked."""
    reason: Reason
    """Why it cannot be used: one of ``reasons``."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        path: str,
        reason: Reason | str,
    ) -> None:
        self.path = path
        self.reason = checked_reason(reason, type(self))
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class InsecureConfigurationError(AtlasConnectError, ConfigurationError):
    """TLS, certificate verification or the TLS floor would be switched off or lowered.

    atlasconnect has no switch that allows this.

    .. versionadded:: 0.1.0
    """

    family = Family.CONFIGURATION

    setting: str
    """The refused setting as the caller wrote it: ``"tlsInsecure=true"`` from the connection
    string (the value percent-decoded), ``"tlsInsecure=True"`` for the keyword argument."""

    def __init__(
        self, found: str, *, why: str, fix: str, cli_fix: str | None = None, setting: str
    ) -> None:
        self.setting = setting
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class ConnectionStringError(AtlasConnectError, InvalidURI, ValueError):
    """The connection string or a client option is missing or malformed.

    Also a :class:`ValueError`, which pymongo raises for some malformed URIs
    (a bad port, for example).

    .. versionadded:: 0.1.0
    """

    family = Family.CONFIGURATION

    redacted_uri: str | None
    """The connection string with every secret replaced by ``****``, if there was one."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        redacted_uri: str | None,
    ) -> None:
        self.redacted_uri = redacted_uri
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)


class CompatibilityError(AtlasConnectError, ConfigurationError):
    """pymongo and the server, or the code and pymongo, are releases that do not fit.

    A server too old (or too new) for this pymongo's wire protocol, or an
    option, method, class or module that pymongo removed, which code written
    for an older release still names.

    .. versionadded:: 0.1.0
    """

    family = Family.COMPATIBILITY
    reasons = (
        Reason.SERVER_TOO_OLD,
        Reason.SERVER_TOO_NEW,
        Reason.REMOVED_OPTION,
        Reason.REMOVED_API,
        Reason.UNSUPPORTED_BY_SERVER,
    )

    reason: Reason
    """Which misfit: one of ``reasons``."""
    name: str | None
    """The removed option, method, class or module, as the code wrote it; None for a server."""
    removed_in: str | None
    """The pymongo release that removed it (``"4.0"``); None for a server."""
    replacement: str | None
    """What to write instead, if anything replaces it."""

    def __init__(
        self,
        found: str,
        *,
        why: str,
        fix: str,
        cli_fix: str | None = None,
        reason: Reason | str,
        name: str | None = None,
        removed_in: str | None = None,
        replacement: str | None = None,
    ) -> None:
        self.reason = checked_reason(reason, type(self))
        self.name = name
        self.removed_in = removed_in
        self.replacement = replacement
        super().__init__(found, why=why, fix=fix, cli_fix=cli_fix)
