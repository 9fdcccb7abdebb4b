"""The certificate family: a server's certificate this client cannot verify, or a client
certificate the server refused."""

from __future__ import annotations

import datetime
import re
import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import _address as address_text
from .. import _phrasing as phrasing
from .. import _shell as shell
from .. import _system_ca as system_trust
from .. import _tls_files as tls_files
from .._families import Reason
from .._network_errors import CertificateVerificationError
from ._profile import ConnectionProfile
from .servers import CERTIFICATE_KINDS, CLIENT_CERTIFICATE_ALERT, Kind, first_address, servers_named

if TYPE_CHECKING:
    from .._tables.openssl import VerifyError


def certificate_error(
    kind: Kind, errors: dict[str, str], profile: ConnectionProfile
) -> CertificateVerificationError:
    if CERTIFICATE_KINDS[kind].startswith("client_"):
        return client_certificate_error(CERTIFICATE_KINDS[kind], errors, profile)
    finer = _verify_error(errors)
    if finer is not None and (finer.reason in _TABLE_REASONS or finer.name == _IP_MISMATCH):
        return _table_error(finer, errors, profile)
    trusted = f"the CA file {profile.ca_file}" if profile.ca_file else "the system CA store"
    if profile.system_ca:
        trusted += " or the operating system's trust store"
    hosts = servers_named(errors)
    found, why = {
        Kind.CERTIFICATE_UNTRUSTED: (
            f"The certificate of {hosts} is not signed by any CA in {trusted}.",
            "a proxy, firewall or antivirus that inspects TLS replaces Atlas's certificate "
            "with one signed by its own CA; less often, the CA bundle is out of date.",
        ),
        Kind.CERTIFICATE_EXPIRED: (
            f"The certificate of {hosts} is expired or not yet valid by this machine's clock "
            f"({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC).",
            "Atlas renews its certificates well before they expire, so either this machine's "
            "clock is wrong or the CA bundle is stale.",
        ),
        Kind.HOSTNAME_MISMATCH: (
            f"The certificate of {hosts} is not valid for the host name in the connection string.",
            "the certificate proves the server's name; a name it does not cover could be "
            "anyone's server.",
        ),
        Kind.OCSP: (
            f"The revocation status (OCSP) of the certificate of {hosts} could not be checked.",
            "with pyOpenSSL (pymongo[ocsp]) pymongo asks the CA's OCSP responder whether the "
            "certificate was revoked, and refuses it when the answer (or a stapled one) is "
            "invalid or missing: a firewall or proxy that blocks the responder (HTTP, port "
            "80), or one that replaces Atlas's certificate.",
        ),
        Kind.CERTIFICATE_UNVERIFIED: (
            f"The certificate of {hosts} could not be verified against {trusted}.",
            "the certificate is signed by an unknown CA (a TLS-inspecting proxy), or it is "
            "expired by this machine's clock.",
        ),
    }[kind]
    ca_bundle = {"tlsCAFile": "ca-bundle.pem"}
    fix = _certificate_fix(kind, f"pass {phrasing.connect_call(ca_bundle)}")
    cli_fix = _certificate_fix(kind, phrasing.uri_setting(ca_bundle, profile.redacted_uri))
    if kind in _UNKNOWN_ISSUER and not profile.system_ca:
        fix = f"{_SYSTEM_STORE_FIRST} {_system_store_fix('python')}. Otherwise, {fix}"
        cli_fix = f"{_SYSTEM_STORE_FIRST} {_system_store_fix('cli')}. Otherwise, {cli_fix}"
    return _certificate_failure(found, why, fix, cli_fix, errors, CERTIFICATE_KINDS[kind], profile)


def trusted_by_system_store(error: CertificateVerificationError) -> CertificateVerificationError:
    """``error`` (an issuer the CA file does not know), when the operating system's trust
    store verified the same server's certificate: the fix is ``system_ca``, not a bundle."""
    return CertificateVerificationError(
        error.found,
        why="this machine's operating system trusts the issuer (most likely your "
        "organisation's CA: a TLS-inspecting proxy or antivirus, or a root its IT installed), "
        f"and verified the certificate with it; {error.ca_file or 'the CA file'} does not "
        "hold that CA.",
        fix=f"trust the system store too: {_system_store_fix('python')}.",
        cli_fix=f"trust the system store too: {_system_store_fix('cli')}.",
        server_errors=error.server_errors,
        reason=error.reason,
        ca_file=error.ca_file,
    )


# A certificate signed by a CA the CA file does not hold: the system store may hold it.
_UNKNOWN_ISSUER = (Kind.CERTIFICATE_UNTRUSTED, Kind.CERTIFICATE_UNVERIFIED)
_SYSTEM_STORE_FIRST = (
    "if this machine already trusts your organisation's CA (its IT installed it), trust the "
    "system store too:"
)


def _system_store_fix(audience: phrasing.Audience) -> str:
    """How the reader makes a client trust the operating system's store."""
    install = phrasing.pip_install(f"'{system_trust.EXTRA}'")
    switch = f"set {system_trust.ENVIRONMENT_VARIABLE}=1"
    if audience == "python":
        how = f"pass connect(uri, system_ca=True) (or {switch})"
    else:
        how = f"{switch} for the application (`atlasconnect doctor --system-ca` checks it)"
    return f"{how}, with truststore installed ({install})"


def _verify_error(errors: Mapping[str, str]) -> VerifyError | None:
    """The row of OpenSSL's table that the servers' texts name, if one does.

    pymongo's pyOpenSSL backend checks the name with service_identity, whose
    ``IPAddressMismatch`` is OpenSSL's IP address mismatch in other words.
    """
    from .._tables import openssl

    if any(_SERVICE_IDENTITY_IP_MISMATCH in text for text in errors.values()):
        return next(row for row in openssl.VERIFY_ERRORS.values() if row.name == _IP_MISMATCH)
    return next(filter(None, map(openssl.verify_error, errors.values())), None)


# The table's reasons that the words above do not explain, with their Reason; an IP
# address the certificate does not cover is the table's "hostname_mismatch" too.
_TABLE_REASONS = {"strict_x509": Reason.STRICT_X509, "revoked": Reason.REVOKED}
_IP_MISMATCH = "X509_V_ERR_IP_ADDRESS_MISMATCH"
_SERVICE_IDENTITY_IP_MISMATCH = "IPAddressMismatch("


def _table_error(
    row: VerifyError, errors: dict[str, str], profile: ConnectionProfile
) -> CertificateVerificationError:
    """A verification failure the table of OpenSSL's errors explains: its meaning and fix."""
    return CertificateVerificationError(
        f"The certificate of {servers_named(errors)} failed verification: {row.text}.",
        why=f"{row.meaning[0].upper()}{row.meaning[1:]}",
        fix=row.fix,
        server_errors=errors,
        reason=_TABLE_REASONS.get(row.reason, Reason.IP_ADDRESS_MISMATCH),
        ca_file=profile.ca_file,
    )


def _certificate_fix(kind: Kind, ca_setting: str) -> str:
    """What to do about a certificate failure of ``kind``; ``ca_setting``: how the reader
    makes the client trust a CA bundle (a ``connect()`` keyword, or a URI option)."""
    if kind in (Kind.CERTIFICATE_UNTRUSTED, Kind.CERTIFICATE_UNVERIFIED):
        bundle = phrasing.with_python(
            'cat "$({python} -m certifi)" corporate-root.pem > ca-bundle.pem'
        )
        fix = (
            "if your network inspects TLS, get its root CA certificate (PEM) from your IT team, "
            f"append it to certifi's bundle ({bundle}) and {ca_setting}, or have port 27017 "
            f"exempted from inspection. Otherwise update certifi: "
            f"{phrasing.pip_install('--upgrade certifi')}."
        )
        if kind is Kind.CERTIFICATE_UNVERIFIED:
            fix += " Also check the clock: `date -u` must show the real UTC time."
        return fix
    return {
        Kind.CERTIFICATE_EXPIRED: "check the clock (`date -u` must show the real UTC time; "
        "turn on NTP, e.g. `timedatectl set-ntp true`), then update the CA bundle: "
        f"{phrasing.pip_install('--upgrade certifi')}.",
        Kind.HOSTNAME_MISMATCH: "connect with the host names Atlas gives: copy the connection "
        "string from Atlas (Database > Connect > Drivers), not an IP address or an alias the "
        "certificate does not name.",
        Kind.OCSP: "allow outbound HTTP (port 80) to the OCSP responder the certificate names "
        "(its Authority Information Access), or have port 27017 exempted from TLS inspection "
        "(atlasconnect refuses tlsDisableOCSPEndpointCheck, as every option that switches a "
        "certificate check off).",
    }[kind]


def _client_certificate_alert(errors: Mapping[str, str]) -> str | None:
    """The name of the alert a server refused the client's certificate with, if one says."""
    for text in errors.values():
        match = re.search(CLIENT_CERTIFICATE_ALERT, text, re.IGNORECASE)
        if match:
            return match.group(1).replace("_", " ").lower()
    return None


CLIENT_CERTIFICATE_SETTING = {"tlsCertificateKeyFile": "/path/to/client.pem"}


_SELF_MANAGED_X509 = (
    "Atlas: Security > Advanced > Self-Managed X.509 Authentication, for the project"
)


def out_of_date(path: str) -> str | None:
    """When the first certificate of ``path`` is not valid by this machine's clock: ``"expired
    on <date>"`` or ``"valid only from <date>"``; None when it is, or cannot be read.

    Decoded with ``cryptography`` (``atlasconnect[doctor]``), when it is installed.
    """
    from .. import _certificate as certificate

    try:
        with open(path, "rb") as file:
            pem = file.read()
        begin = pem.index(b"-----BEGIN CERTIFICATE-----")
        end = pem.index(b"-----END CERTIFICATE-----", begin) + len(b"-----END CERTIFICATE-----")
        presented = certificate.decode(ssl.PEM_cert_to_DER_cert(pem[begin:end].decode("ascii")))
    except (OSError, ValueError):
        return None
    validity = presented.validity(datetime.datetime.now(datetime.timezone.utc))
    if validity == "expired":
        return f"expired on {certificate.iso(presented.not_after)} by this machine's clock"
    if validity == "not_yet_valid":
        return f"valid only from {certificate.iso(presented.not_before)} by this machine's clock"
    return None


def client_certificate_error(
    reason: str,
    errors: dict[str, str],
    profile: ConnectionProfile,
    *,
    lost: bool = False,
    out_of_date: str | None = None,
) -> CertificateVerificationError:
    """The servers refused this client's certificate, or required one it did not present.

    ``reason`` is a ``client_certificate_*`` reason of
    :class:`CertificateVerificationError`, from the TLS alert in ``errors``; with
    ``lost``, the connections were closed right after the handshake with no
    alert that could be read (TLS 1.3), and ``out_of_date`` says when the
    certificate is not valid by this machine's clock, if it is not.
    """
    alert = _client_certificate_alert(errors)
    hosts = servers_named(errors)
    path = profile.client_certificate
    certificate = f"this client's certificate{f' ({shell.prose(path)})' if path else ''}"
    file = (shell.path(path) if path else None) or tls_files.CLIENT_PEM
    checks = (
        shell.command(
            "openssl x509 -in {file} -noout -subject -issuer -dates -ext extendedKeyUsage",
            file=file,
        )
        + " must show an issuer the server trusts, dates around today and TLS Web Client "
        "Authentication"
    )
    renew = (
        "for a user with Atlas-managed X.509 authentication, download a new certificate "
        "(Atlas: Database Access, the user); with your own CA, issue a new one"
    )
    if reason == "client_certificate_required":
        found = (
            f"{hosts} refused this client: it presented no client certificate, and the server "
            "requires one (TLS alert 'certificate required')."
        )
        why = (
            "a server set up for mutual TLS refuses every client that presents no certificate "
            "signed by a CA it trusts; Atlas clusters do not require one (users with X.509 "
            "authentication log in with theirs)."
        )
        fix = (
            "pass the client's certificate and its private key, in one PEM file: "
            + phrasing.connect_call(CLIENT_CERTIFICATE_SETTING)
            + "."
        )
        cli_fix = f"{phrasing.uri_setting(CLIENT_CERTIFICATE_SETTING, profile.redacted_uri)}."
        return _certificate_failure(found, why, fix, cli_fix, errors, reason, profile)
    said = {
        "client_certificate_expired": (
            "the TLS alert 'certificate expired' says it is expired or not yet valid by the "
            "server's clock",
            "a server accepts a client certificate only between its dates; certificates "
            "Atlas issues for X.509 users last the months chosen when they were made.",
            f"{renew}, and give it as tlsCertificateKeyFile; "
            + shell.command("openssl x509 -in {file} -noout -dates", file=file)
            + " shows the dates of this one.",
        ),
        "client_certificate_untrusted": (
            "the TLS alert 'unknown CA' says no CA the server trusts signed it",
            "a server that checks client certificates (X.509 authentication, mutual TLS) "
            "accepts only those signed by a CA it trusts: on Atlas, the project's own CA for "
            "the certificates it issues, or the CA uploaded for self-managed X.509 "
            "authentication. A certificate of another project or environment is refused, and "
            "so is one whose file lacks the intermediate CA certificate that links it to the "
            "trusted CA.",
            "give tlsCertificateKeyFile the certificate issued for this cluster's project, or "
            f"have the CA that signed it trusted ({_SELF_MANAGED_X509}); append any "
            "intermediate CA certificate to the file, after the client certificate. "
            + shell.command("openssl x509 -in {file} -noout -issuer", file=file)
            + " shows who signed it.",
        ),
        "client_certificate_refused": (
            f"TLS alert '{alert}'" if alert else "a TLS alert",
            "a server checks a client certificate before it answers: signed by a CA it "
            "trusts, between its dates, not revoked, and made for client authentication "
            "(extended key usage clientAuth).",
            f"check the certificate tlsCertificateKeyFile names: {checks}; {renew}.",
        ),
    }
    how, why, fix = said[reason]
    if lost:
        because = f", which is {out_of_date}" if out_of_date else ""
        found = (
            f"{hosts} closed the connection right after the TLS handshake, before answering: "
            f"most likely a refusal of {certificate}{because}. TLS 1.3 servers refuse a client "
            "certificate once the handshake is over, and the alert that says why is often "
            "lost with the connection; a TLS-terminating proxy whose server is down closes "
            "connections the same way."
        )
    elif reason == "client_certificate_refused":
        found = f"{hosts} refused {certificate} ({how})."
    else:
        found = f"{hosts} refused {certificate}: {how}."
    return _certificate_failure(found, why, fix, fix, errors, reason, profile)


def _certificate_failure(
    found: str,
    why: str,
    fix: str,
    cli_fix: str,
    errors: dict[str, str],
    reason: str,
    profile: ConnectionProfile,
) -> CertificateVerificationError:
    return CertificateVerificationError(
        found,
        why=why,
        fix=fix,
        cli_fix=cli_fix,
        server_errors=errors,
        reason=reason,
        ca_file=profile.ca_file,
    )


def closed_after_handshake_explanation(
    errors: Mapping[str, str], profile: ConnectionProfile
) -> tuple[str, str, str, str]:
    """(meaning, why, fix, cli_fix) for servers that closed right after the TLS handshake,
    to a client that presented no certificate (one that did is refused: see diagnose)."""
    certificate = "if the server requires client certificates (mutual TLS), pass the client's: "
    server = address_text.join(*first_address(errors))
    test = (
        f"otherwise check what serves {server}: the server behind a proxy, a server that is "
        "restarting."
    )
    return (
        "the server closed the connection right after the TLS handshake, before answering",
        "a server that requires a client certificate closes this way when the client presents "
        "none (tlsCertificateKeyFile) and the TLS 1.3 alert that says so ('certificate "
        "required') is lost with the connection; so does a TLS-terminating proxy whose server "
        "is down, or a server that is restarting.",
        f"{certificate}{phrasing.connect_call(CLIENT_CERTIFICATE_SETTING)}; {test}",
        f"{certificate}{phrasing.uri_setting(CLIENT_CERTIFICATE_SETTING, profile.redacted_uri)}; "
        + test,
    )
