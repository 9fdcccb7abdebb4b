"""The certificate a server presented, read after its verification failed: evidence only.

When the doctor's TLS handshake fails verification, the user needs to see what
the server showed: whose certificate it is (subject), who signed it (issuer: a
TLS-inspecting proxy or antivirus signs with its own CA), when it is valid (an
expired certificate, or this machine's clock being wrong) and which host names
it covers (a host name mismatch).

The certificate comes from a second, unverified TLS connection (:func:`fetch`):
no client certificate is offered, nothing is sent, and it is closed as soon as
the handshake ends. Nothing read from it is trusted or used for anything but
showing it: the verdict still comes from the verified handshake that failed.

Decoding uses ``cryptography`` when it is installed (``pip install
'atlasconnect[doctor]'``). The standard library has no public X.509 decoder
for a certificate that failed verification (``ssl`` decodes only verified
peers and CA certificates), so without ``cryptography`` only the certificate's
SHA-256 fingerprint is shown.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import socket
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cryptography import x509

Validity = Literal["valid", "expired", "not_yet_valid"]
"""Where this machine's clock falls against the certificate's validity dates."""

INTERCEPTORS: tuple[tuple[str, str], ...] = (
    (r"zscaler", "Zscaler"),
    (r"netskope", "Netskope"),
    (r"palo alto networks", "Palo Alto Networks"),
    (r"fortinet|fortigate", "Fortinet FortiGate"),
    (r"blue ?coat", "Blue Coat / Symantec ProxySG"),
    (r"cisco umbrella|opendns", "Cisco Umbrella"),
    (r"\bavast\b|\bavg\b", "Avast / AVG Web Shield"),
    (r"kaspersky", "Kaspersky"),
    (r"\beset\b", "ESET SSL Filter"),
    (r"bitdefender", "Bitdefender"),
    (r"mcafee|skyhigh", "McAfee / Skyhigh Security"),
    (r"sophos", "Sophos"),
    (r"mitmproxy", "mitmproxy"),
    (r"fiddler", "Fiddler"),
    (r"portswigger", "Burp Suite"),
    (r"charles proxy", "Charles Proxy"),
)
"""(pattern, product): TLS-inspecting proxies and antivirus, recognised by the
organisation or common name of the issuer of the certificate they present."""

DOCTOR_EXTRA = "atlasconnect[doctor]"
"""The optional extra that installs ``cryptography`` to decode the certificate."""


@dataclass(frozen=True)
class PresentedCertificate:
    """What a server's certificate says; every field but ``sha256`` is None undecoded."""

    sha256: str
    subject: str | None = None
    issuer: str | None = None
    not_before: datetime.datetime | None = None
    not_after: datetime.datetime | None = None
    names: tuple[str, ...] = ()
    """The subjectAltName entries, ``DNS:name`` or ``IP:address``."""
    likely_interceptor: str | None = None
    """The product named by :data:`INTERCEPTORS` when the issuer matches one."""

    @property
    def decoded(self) -> bool:
        return self.subject is not None

    def validity(self, now: datetime.datetime) -> Validity | None:
        if self.not_before is None or self.not_after is None:
            return None
        if now < self.not_before:
            return "not_yet_valid"
        return "expired" if now > self.not_after else "valid"

    def details(self, now: datetime.datetime) -> dict[str, Any]:
        """The JSON form, as the doctor's TLS layer shows it."""
        return {
            "decoded": self.decoded,
            "subject": self.subject,
            "issuer": self.issuer,
            "not_before": iso(self.not_before),
            "not_after": iso(self.not_after),
            "validity": self.validity(now),
            "names": list(self.names),
            "sha256": self.sha256,
            "likely_interceptor": self.likely_interceptor,
        }


def iso(moment: datetime.datetime | None) -> str | None:
    """A UTC time as ISO 8601 with a ``Z``, to the second."""
    if moment is None:
        return None
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch(host: str, port: int, timeout: float) -> bytes:
    """The DER certificate ``host:port`` presents, over an unverified connection.

    Only for showing it after a verified handshake failed: see the module docstring.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=timeout) as sock,
        context.wrap_socket(sock, server_hostname=host) as tls_sock,
    ):
        der = tls_sock.getpeercert(binary_form=True)
    if not der:
        raise ssl.SSLError("the server completed the handshake without a certificate")
    return der


def decode(der: bytes) -> PresentedCertificate:
    """Decode with ``cryptography`` if installed; otherwise only the fingerprint."""
    sha256 = hashlib.sha256(der).hexdigest()
    try:
        from cryptography import x509
        from cryptography.x509.oid import NameOID
    except ImportError:
        return PresentedCertificate(sha256)
    try:
        certificate = x509.load_der_x509_certificate(der)
    except ValueError:  # a certificate cryptography cannot parse: show what is certain
        return PresentedCertificate(sha256)
    issuer = certificate.issuer
    issuer_names = [
        str(attribute.value)
        for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME)
        for attribute in issuer.get_attributes_for_oid(oid)
    ]
    return PresentedCertificate(
        sha256=sha256,
        subject=certificate.subject.rfc4514_string(),
        issuer=issuer.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        names=_subject_alternative_names(certificate),
        likely_interceptor=likely_interceptor(issuer_names),
    )


def _subject_alternative_names(certificate: x509.Certificate) -> tuple[str, ...]:
    from cryptography import x509

    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    names = extension.value
    return tuple(
        [f"DNS:{name}" for name in names.get_values_for_type(x509.DNSName)]
        + [f"IP:{address}" for address in names.get_values_for_type(x509.IPAddress)]
    )


def likely_interceptor(issuer_names: Iterable[str]) -> str | None:
    """The product of :data:`INTERCEPTORS` one of the issuer's names points to, if any."""
    for name in issuer_names:
        for pattern, product in INTERCEPTORS:
            if re.search(pattern, name, re.IGNORECASE):
                return product
    return None
