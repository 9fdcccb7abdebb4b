"""The TLS version family: a server that refused every TLS version (or cipher) this client
offers."""

from __future__ import annotations

import ssl

from .. import _phrasing as phrasing
from .. import _tls as tls
from .._environment import OLD_PYTHON_FIX, available_tls_versions
from .._network_errors import TLSVersionRefusedError
from ._profile import ConnectionProfile
from .certificate import CLIENT_CERTIFICATE_SETTING
from .servers import servers_named


def tls_version_error(
    errors: dict[str, str], profile: ConnectionProfile, alert: str
) -> TLSVersionRefusedError:
    floor = tls.effective_min_tls_version(profile.min_tls_version)
    available = available_tls_versions()
    offered = ", ".join(tls.version_name(v) for v in available if v >= floor)
    meaning = "no TLS version is acceptable to both sides"
    fix = cli_fix = _tls_version_fix(floor)
    if alert == "handshake failure":
        # OpenSSL sends this one for several mismatches, not only the version.
        meaning = "most likely no TLS version or cipher is acceptable to both sides"
        if profile.client_certificate is None:
            # ...and, in TLS 1.2, for a client certificate required and not presented.
            meaning += (
                ", or the server requires a client certificate this client did not present "
                "(OpenSSL's TLS 1.2 servers refuse that with the same alert)"
            )
            certificate = "If the server requires client certificates (mutual TLS), pass {}."
            fix += " " + certificate.format(phrasing.connect_call(CLIENT_CERTIFICATE_SETTING))
            cli_fix += " " + certificate.format(
                "the client's: "
                + phrasing.uri_setting(CLIENT_CERTIFICATE_SETTING, profile.redacted_uri)
            )
    return TLSVersionRefusedError(
        f"{servers_named(errors)} refused the TLS handshake with '{alert}': {meaning}. "
        f"This client offers {offered or 'none'}.",
        why="Atlas accepts TLS 1.2 and newer (a cluster can require 1.3) with current "
        "ciphers; a server or middlebox that stops at an older version or offers only old "
        "ciphers, or a floor above what the server speaks, leaves nothing in common.",
        fix=fix,
        cli_fix=cli_fix,
        server_errors=errors,
        min_tls_version=floor,
        available=available,
    )


def _tls_version_fix(floor: ssl.TLSVersion) -> str:
    """What to do about a refused TLS version, for this client's effective floor."""
    default = tls.version_name(tls.DEFAULT_MIN_TLS_VERSION)
    if floor > tls.DEFAULT_MIN_TLS_VERSION:
        first = (
            f"min_tls_version is {tls.version_name(floor)}, above the default ({default}), "
            "and the server does not speak it: lower min_tls_version to "
            f"ssl.TLSVersion.{tls.DEFAULT_MIN_TLS_VERSION.name} (or leave it out), or set the "
            "cluster's minimum TLS version in Atlas (cluster > Additional Settings) to "
            f"{tls.version_name(floor)}."
        )
    else:
        first = (
            "Atlas itself speaks TLS 1.2 and 1.3, so check what answered: a TLS-inspecting "
            "proxy or middlebox that speaks only older versions must be upgraded, or port "
            "27017 exempted from it; a cluster whose minimum TLS version (Atlas: cluster > "
            "Additional Settings) is above what this Python offers needs a newer OpenSSL."
        )
    return (
        f"{first} If this Python's OpenSSL lacks TLS 1.2 or 1.3: {OLD_PYTHON_FIX}"
        '`openssl version` and `python -c "import ssl; print(ssl.OPENSSL_VERSION)"`.'
    )
