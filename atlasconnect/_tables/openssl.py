"""OpenSSL's certificate verification errors and TLS alerts, as Python prints them.

Sources:

- ``VERIFY_ERRORS``: ``crypto/x509/x509_txt.c`` (``X509_verify_cert_error_string``)
  and ``include/openssl/x509_vfy.h.in`` (the ``X509_V_ERR_*`` numbers) of the
  openssl/openssl repository, at commits 0223dfcf1e4d4d6f0a9a671ce570c6a1c057fe93 and
  0365b1aa03a58488f6324da03b4e25186e503c05; every code from 1 to 100 whose text that
  ``x509_txt.c`` gives. ``text`` is OpenSSL 3.0's spelling, the one OpenSSL 3.0.19
  (this project's CI) returns for each number; ``other_texts`` holds the other
  spellings users paste: OpenSSL 1.1.1's (``self signed certificate``, ``unsupported
  certificate purpose``, ``Hostname mismatch``...), read in a copy of the 1.1 series'
  ``x509_txt.c`` (copyright 1995-2017) that the search index holds without its
  repository's name; the newer ``certificate is not yet valid or the system clock is
  incorrect`` of the 0223dfcf commit; LibreSSL's where it differs (``src/lib/libcrypto/
  x509/x509_txt.c`` revision 1.28 of OpenBSD, as LibreSSL ships it); and CPython's own
  ``verify_message`` for a host name or IP address mismatch (``Hostname mismatch,
  certificate is not valid for 'host'.``), which replaces OpenSSL's text.
  Numbers are OpenSSL 3's: in OpenSSL 1.1.1 ``X509_V_ERR_INVALID_CA`` was 24 (3.0
  moved it to 79 and gave 24 to ``X509_V_ERR_NO_ISSUER_PUBLIC_KEY``), and codes 76 and
  up did not exist. Codes 101 to 104 (CRL and key identifier checks of OpenSSL's
  development branch) are left out: the ``x509_txt.c`` read gives them no text yet.
- ``ALERTS``: every member of Python's ``ssl.AlertDescription`` (27 members, the same
  on Python 3.10 to 3.13) and the other alerts OpenSSL names. The reason names
  (``TLSV1_ALERT_INTERNAL_ERROR``, what Python prints in brackets) are OpenSSL's
  ``SSL_R_*`` codes (1000 + the alert number) of ``include/openssl/sslerr.h``; the
  texts are ``ssl/ssl_err.c``'s (openssl/openssl commit
  3d4bb90138b0586f88f44a67b7ea3b7ab4a88081), as OpenSSL 3.0.19 returns them.

``reason`` (verification) is atlasconnect's: ``untrusted`` (no trusted CA signed
it: a TLS-inspecting proxy or a stale CA bundle), ``expired`` (expired or not yet
valid: the clock), ``hostname_mismatch`` (host name or IP address), ``revoked``
(revoked, or its revocation status could not be checked), ``strict_x509`` (a
certificate that breaks a rule of RFC 5280 that Python 3.13's
``ssl.VERIFY_X509_STRICT``, on by default, enforces) and ``invalid`` (any other
malformed or unsuitable certificate).

The meanings and fixes are for a MongoDB Atlas client: Atlas presents certificates
of public CAs for its host names, so a verification failure almost always means
that something between the client and Atlas replaced them, or that this machine's
clock or CA bundle is wrong.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from . import load
from . import row as _row

__all__ = ["ALERTS", "VERIFY_ERRORS", "Alert", "VerifyError", "alert", "verify_error"]

VerifyReason = Literal[
    "untrusted", "expired", "hostname_mismatch", "revoked", "strict_x509", "invalid"
]


class VerifyError(NamedTuple):
    """One ``X509_V_ERR_*`` code: Python's ``SSLCertVerificationError.verify_code``."""

    code: int
    """OpenSSL 3's number."""
    name: str
    """The ``X509_V_ERR_*`` name."""
    text: str
    """OpenSSL 3.0's text: Python's ``verify_message``, after ``certificate verify failed:``."""
    reason: VerifyReason
    meaning: str
    fix: str
    other_texts: tuple[str, ...] = ()
    """The other spellings: OpenSSL 1.1.1, later OpenSSL 3, LibreSSL, CPython's own."""


_VERIFY_ROWS: tuple[VerifyError, ...] = tuple(
    _row(VerifyError, row) for row in load("openssl_verify")
)

VERIFY_ERRORS: dict[int, VerifyError] = {row.code: row for row in _VERIFY_ROWS}
"""Every verification error, by OpenSSL 3's number."""


def verify_error(message: str) -> VerifyError | None:
    """The row whose text (any spelling, any letter case) is the longest one in ``message``."""
    lowered = message.lower()
    found = [
        (len(text), row)
        for row in _VERIFY_ROWS
        for text in (row.text, *row.other_texts)
        if text.lower() in lowered
    ]
    return max(found, key=lambda pair: pair[0])[1] if found else None


class Alert(NamedTuple):
    """A TLS alert, as Python prints it: ``[SSL: reason] text (_ssl.c:NNNN)``."""

    number: int
    member: str | None
    """The ``ssl.AlertDescription`` member's name; None for an alert Python does not name."""
    reason: str | None
    """OpenSSL's reason name (``SSL_R_`` left off), None for close_notify, which has none."""
    text: str | None
    """OpenSSL's text for the reason."""
    meaning: str
    """What it means when a MongoDB server or Atlas sends it to this client."""
    fix: str


ALERTS: dict[int, Alert] = {row.number: row for row in (_row(Alert, r) for r in load("tls_alerts"))}
"""Every alert, by number."""


def alert(message: str) -> Alert | None:
    """The alert whose reason name or text is in ``message`` (any letter case)."""
    lowered = message.lower()
    for row in ALERTS.values():
        if any(part and part.lower() in lowered for part in (row.reason, row.text)):
            return row
    return None
