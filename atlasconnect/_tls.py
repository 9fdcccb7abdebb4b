"""atlasconnect's TLS policy, in one place.

- TLS is always on; options that switch it or certificate checks off are refused.
- Certificates are verified against certifi's CA bundle unless the caller names
  a CA file of their own (``tlsCAFile``, for a corporate or test CA). A CRL file
  (``tlsCRLFile``) may add revocation data, never trust.
- The minimum TLS version of every connection is at least ``min_tls_version``
  (TLS 1.2 by default, TLS 1.1 at the lowest, as MongoDB's Atlas guidance allows).
  The floor only ever raises the platform's own minimum, never lowers it.

Here: the floor, the settings that would weaken TLS, and the checks on what
pymongo built. The files the settings name (the CA file, a CRL file, the
client certificate) are checked by :mod:`atlasconnect._tls_files`.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Iterable, Mapping
from typing import Any, Literal, NamedTuple

from . import _phrasing as phrasing
from . import _shell as shell
from . import _uri_text as uri_text
from ._exceptions import InsecureConfigurationError
from ._settings import Place

DEFAULT_MIN_TLS_VERSION = ssl.TLSVersion.TLSv1_2
"""The TLS floor when the caller does not choose one: what Atlas itself accepts."""

LOWEST_MIN_TLS_VERSION = ssl.TLSVersion.TLSv1_1
"""The lowest floor a caller may ask for (MongoDB's guidance: TLS 1.1 or newer)."""

ALLOWED_MIN_TLS_VERSIONS = (
    ssl.TLSVersion.TLSv1_1,
    ssl.TLSVersion.TLSv1_2,
    ssl.TLSVersion.TLSv1_3,
)


SwitchedOff = Literal[
    "TLS", "certificate verification", "host name verification", "revocation checks"
]
"""What an insecure option would switch off."""


class _Weakening(NamedTuple):
    """An option that, set to true, switches a verification off."""

    name: str
    """The name as pymongo documents it."""
    switched_off: SwitchedOff
    set_by: tuple[str, ...]
    """The options (lower case) that set it as pymongo reads them: tlsInsecure sets three."""


# pymongo's options that must never be true, as it reads them (lower case), in the order
# an explanation names them: the option that implies the others first.
_WEAKENINGS = {
    "tlsinsecure": _Weakening("tlsInsecure", "certificate verification", ("tlsinsecure",)),
    "tlsallowinvalidcertificates": _Weakening(
        "tlsAllowInvalidCertificates",
        "certificate verification",
        ("tlsallowinvalidcertificates", "tlsinsecure"),
    ),
    "tlsallowinvalidhostnames": _Weakening(
        "tlsAllowInvalidHostnames",
        "host name verification",
        ("tlsallowinvalidhostnames", "tlsinsecure"),
    ),
    "tlsdisableocspendpointcheck": _Weakening(
        "tlsDisableOCSPEndpointCheck",
        "revocation checks",
        ("tlsdisableocspendpointcheck", "tlsinsecure", "tlsallowinvalidcertificates"),
    ),
}
# Options that must never be false; pymongo reads "ssl" as "tls".
_TLS_SWITCHES = ("tls", "ssl")

_ALWAYS_TLS_FIX = (
    "remove {option} from {place}. atlasconnect always uses TLS with certificate and "
    "host name verification; there is no switch to turn that off. If the server's "
    "certificate is signed by your own CA (a corporate proxy or a test server), {ca_setting}."
)
_OWN_CA = {"tlsCAFile": "/path/to/ca.pem"}
_WHY_VERIFY = (
    "MongoDB Atlas accepts only TLS connections, and without certificate verification "
    "anyone on the network path can read the password and the data."
)


def version_name(version: ssl.TLSVersion) -> str:
    """``TLSVersion.TLSv1_2`` -> ``"TLS 1.2"``, the way people write it."""
    return version.name.replace("TLSv", "TLS ").replace("_", ".")


def validate_min_tls_version(value: object) -> ssl.TLSVersion:
    """Return ``value`` when it is an allowed floor; refuse anything lower.

    Raises :class:`InsecureConfigurationError` for a floor below TLS 1.1, and
    :class:`TypeError` or :class:`ValueError` for something that is not a
    usable TLS version at all.
    """
    if not isinstance(value, ssl.TLSVersion):
        raise TypeError(
            f"min_tls_version must be an ssl.TLSVersion such as ssl.TLSVersion.TLSv1_2, "
            f"not {type(value).__name__}"
        )
    if value in ALLOWED_MIN_TLS_VERSIONS:
        return value
    if value != ssl.TLSVersion.MAXIMUM_SUPPORTED and value < LOWEST_MIN_TLS_VERSION:
        raise InsecureConfigurationError(
            f"min_tls_version={value.name} asks for a TLS floor below "
            f"{version_name(LOWEST_MIN_TLS_VERSION)}.",
            why=(
                "SSL 3.0 and TLS 1.0 have known attacks; MongoDB Atlas refuses them and "
                "industry practice requires TLS 1.1 or newer."
            ),
            fix="leave min_tls_version at its default (TLS 1.2) or pass ssl.TLSVersion.TLSv1_3.",
            setting=f"min_tls_version={value.name}",
        )
    raise ValueError(
        f"min_tls_version={value.name} is not a concrete TLS version; pass one of "
        + ", ".join(f"ssl.TLSVersion.{v.name}" for v in ALLOWED_MIN_TLS_VERSIONS)
    )


_process_floor: ssl.TLSVersion | None = None
"""The floor :func:`atlasconnect.inject_into_pymongo` set for every client of the process."""


def set_process_floor(floor: ssl.TLSVersion | None) -> None:
    """Make ``floor`` the lowest any client of the process gets (None: no such minimum)."""
    global _process_floor
    _process_floor = floor


def with_process_floor(floor: ssl.TLSVersion) -> ssl.TLSVersion:
    """``floor``, raised to the process-wide minimum when injection set one."""
    process_floor = _process_floor
    return floor if process_floor is None else max(floor, process_floor)


@functools.cache
def platform_min_tls_version() -> ssl.TLSVersion:
    """The minimum TLS version this Python's client contexts have by default.

    Fixed for the life of the process (OpenSSL reads its configuration once),
    and remembered: making a context to read it costs a third of a millisecond.
    """
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).minimum_version


def effective_min_tls_version(requested: ssl.TLSVersion) -> ssl.TLSVersion:
    """The floor to enforce: the higher of the platform's own and the requested one."""
    return max(platform_min_tls_version(), requested)


def raise_floor(context: ssl.SSLContext, floor: ssl.TLSVersion) -> None:
    """Make ``context`` refuse any TLS version below ``floor`` without lowering it."""
    context.minimum_version = max(context.minimum_version, floor)


def insecure_settings(
    uri_options: Iterable[tuple[str, str]], keywords: Mapping[str, Any]
) -> list[InsecureConfigurationError]:
    """One explained error for each option the caller wrote that would weaken TLS, URI first.

    The caller's intent, read leniently: names in any letter case, values
    ``true``/``false`` in any letter case and with whitespace around them, so
    that a spelling pymongo would read differently is refused, not passed. Each
    error quotes the setting as written, so that it can be found:
    ``name=value`` from the connection string (``uri_options``, in order, the
    values percent-decoded), ``name=repr(value)`` for a keyword
    (``tlsInsecure=True``). This is the early, precise refusal; the guarantee
    is :func:`refuse_weakened`, on what pymongo read.
    """
    found = []
    for place, options in (
        (Place.URI, _last_of_each(uri_options)),
        (Place.KEYWORDS, [(name, value, f"{name}={value!r}") for name, value in keywords.items()]),
    ):
        for name, value, setting in options:
            switched_off = _switched_off(name, value)
            if switched_off is not None:
                found.append(
                    _insecure_error(
                        f"{setting} in {place.phrase} would switch off {switched_off}.",
                        setting,
                        place,
                    )
                )
    return found


def _insecure_error(found: str, setting: str, place: Place | None) -> InsecureConfigurationError:
    """The explained refusal of ``setting``, to be removed from ``place`` (None: unknown)."""
    where = place.phrase if place is not None else "where it is set"
    return InsecureConfigurationError(
        found,
        why=_WHY_VERIFY,
        fix=_ALWAYS_TLS_FIX.format(
            option=setting,
            place=where,
            ca_setting=f"pass that CA instead: {phrasing.connect_call(_OWN_CA)}",
        ),
        cli_fix=_ALWAYS_TLS_FIX.format(
            option=setting,
            place=where,
            ca_setting=f"name that CA instead: put tlsCAFile={_OWN_CA['tlsCAFile']} in its place",
        )
        if place is Place.URI
        else None,
        setting=setting,
    )


def _last_of_each(options: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(name, value, ``"name=value"``) of each option; of one given more than once
    (in any letter case) the last, as for pymongo."""
    last = {name.lower(): (name, value, f"{name}={value}") for name, value in options}
    return list(last.values())


def _switched_off(name: str, value: object) -> SwitchedOff | None:
    """What setting option ``name`` to ``value`` would switch off, if anything."""
    key, flag = name.strip().lower(), _as_bool(value)
    if key in _TLS_SWITCHES and flag is False:
        return "TLS"
    if key in _WEAKENINGS and flag is True:
        return _WEAKENINGS[key].switched_off
    return None


def refuse_insecure_options(
    uri_options: Iterable[tuple[str, str]], keywords: Mapping[str, Any]
) -> None:
    """Raise the first of :func:`insecure_settings`, if any."""
    for error in insecure_settings(uri_options, keywords):
        raise error


def _as_bool(value: object) -> bool | None:
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return value if isinstance(value, bool) else None


class Written(NamedTuple):
    """The TLS switches as the caller wrote them, to name the one pymongo read as insecure.

    Only the switches: no value that may be a secret.
    """

    settings: tuple[tuple[str, str, Place], ...] = ()
    """(name in lower case, ``name=value`` as written, where) of each switch, in order."""

    @classmethod
    def of(cls, uri_options: Iterable[tuple[str, str]], keywords: Mapping[str, Any]) -> Written:
        switches = {*_WEAKENINGS, *_TLS_SWITCHES}
        uri = [(n.strip().lower(), f"{n}={v}", Place.URI) for n, v in uri_options]
        given = [(n.strip().lower(), f"{n}={v!r}", Place.KEYWORDS) for n, v in keywords.items()]
        return cls(tuple(s for s in (*uri, *given) if s[0] in switches))

    def find(self, names: Iterable[str]) -> tuple[str, Place] | None:
        """The last setting written under one of ``names`` (keywords win, as for pymongo)."""
        wanted = set(names)
        matches = [(setting, place) for name, setting, place in self.settings if name in wanted]
        return matches[-1] if matches else None


def refuse_weakened(read: Mapping[str, object], written: Written) -> None:
    """Raise :class:`InsecureConfigurationError` if pymongo read an option that weakens TLS.

    ``read`` holds options as pymongo read them (lower-case names, its values):
    the decision is made on what pymongo will use, whatever atlasconnect's own
    reading found. The error names the option as pymongo read it, and the
    setting it was written as (with any invisible character shown), or says
    that atlasconnect was not given it.
    """
    error = weakened(read, written)
    if error is not None:
        raise error


def weakened(read: Mapping[str, object], written: Written) -> InsecureConfigurationError | None:
    """The refusal :func:`refuse_weakened` raises, or None."""
    for option, weakening in _WEAKENINGS.items():
        value = read.get(option)
        if value is None or value is False:
            continue
        source = written.find(weakening.set_by)
        if source is None:
            origin = (
                ", although atlasconnect was given no option that sets it (an option added "
                "after client_options(), or one read differently)"
            )
            return _insecure_error(
                f"pymongo read {weakening.name}={value!r} for this client{origin}, which would "
                f"switch off {weakening.switched_off}.",
                f"{weakening.name}={value!r}",
                None,
            )
        setting, place = source
        return _insecure_error(
            f"pymongo read {weakening.name}={value!r} for this client, from "
            f"{_as_written(setting)} in {place.phrase}, which would switch off "
            f"{weakening.switched_off}.",
            setting,
            place,
        )
    return None


def _as_written(setting: str) -> str:
    """``setting`` quoted as written, with any invisible character in it named."""
    hidden = next((c for c in setting if uri_text.is_invisible(c)), None)
    shown = f"'{shell.prose(setting)}'"
    return shown if hidden is None else f"{shown} (with {uri_text.describe(hidden)} in it)"


def refuse_unverifying_context(context: object) -> None:
    """Raise :class:`InsecureConfigurationError` unless ``context`` verifies certificates
    and host names; a context that cannot say (no such attributes) is refused."""
    verify_mode = getattr(context, "verify_mode", None)
    check_hostname = getattr(context, "check_hostname", None)
    if verify_mode == ssl.CERT_REQUIRED and check_hostname is True:
        return
    what = (
        "certificates"
        if verify_mode != ssl.CERT_REQUIRED
        else "that certificates name the host connected to"
    )
    raise _insecure_error(
        f"pymongo built a TLS context for this client that does not verify {what} "
        f"(verify_mode={verify_mode!r}, check_hostname={check_hostname!r}).",
        f"verify_mode={verify_mode!r}",
        None,
    )


def refuse_tls_off(read: Mapping[str, object], context: object, written: Written) -> None:
    """Raise :class:`InsecureConfigurationError` when pymongo would connect without TLS."""
    if context is not None:
        return
    source = written.find(_TLS_SWITCHES)
    setting = source[0] if source else f"tls={read.get('tls')!r}"
    raise _insecure_error(
        f"pymongo read tls={read.get('tls')!r} for this client"
        + (f", from {_as_written(source[0])} in {source[1].phrase}" if source else "")
        + ": it would connect without TLS.",
        setting,
        source[1] if source else None,
    )


def refuse_other_ca_file(read: Mapping[str, object], chosen: str) -> None:
    """Raise :class:`InsecureConfigurationError` unless pymongo trusts the CA file ``chosen``."""
    used = read.get("tlscafile")
    if isinstance(used, str) and used == chosen:
        return
    trusted = shell.prose(used) if isinstance(used, str) else "this machine's default store"
    raise InsecureConfigurationError(
        f"pymongo would verify this client's servers against {trusted}, not {shell.prose(chosen)}, "
        "the CA file atlasconnect chose.",
        why="atlasconnect trusts certifi's bundle or the tlsCAFile you name, and no other: a "
        "client that trusts another store has not been checked.",
        fix="pass the CA file you trust as tlsCAFile, once (a keyword wins over the connection "
        "string), and report this to atlasconnect's issue tracker if you did.",
        setting=f"tlsCAFile={trusted}",
    )
