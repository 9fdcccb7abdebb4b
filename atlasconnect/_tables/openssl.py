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


_PROXY = (
    "if your network inspects TLS (a corporate proxy, a firewall, an antivirus), get its "
    "root CA certificate from your IT team and add it to the CA file (tlsCAFile), or have "
    "port 27017 exempted from inspection; otherwise update the CA bundle: "
    "`python -m pip install --upgrade certifi`."
)
_NOT_ATLAS = (
    "Atlas's certificates never have this fault, so the certificate comes from something "
    "between this machine and Atlas (a TLS-inspecting proxy) or from a server that is not "
    "Atlas: compare the host with the connection string Atlas shows (Database > Connect > "
    "Drivers) and ask your IT team whether port 27017 is inspected."
)
_MALFORMED = "the certificate the server presented, or one of its CA certificates, is malformed."
_CLOCK = (
    "set this machine's clock to the real time (`date -u` must show UTC now; turn on NTP, "
    "e.g. `timedatectl set-ntp true`, or sync the clock in the system settings), then update "
    "the CA bundle: `python -m pip install --upgrade certifi`."
)
_CRL = (
    "the certificate's revocation could not be checked, or it was revoked (revocation "
    "lists or OCSP, which pymongo checks only with tlsCRLFile or pymongo[ocsp])."
)
_CRL_FIX = (
    "remove tlsCRLFile if it points to a list for another CA, or allow outbound HTTP (port "
    "80) to the CA's OCSP and CRL servers; a revoked certificate on a host that claims to be "
    "Atlas means it is not Atlas: " + _NOT_ATLAS
)
_STRICT = (
    "Python 3.13 and newer check certificates strictly (ssl.VERIFY_X509_STRICT) and this "
    "certificate breaks one of RFC 5280's rules; Atlas's certificates follow them, so it "
    "comes from a TLS-inspecting proxy or a server that is not Atlas."
)
_STRICT_FIX = (
    "ask the administrators of the TLS-inspecting proxy to reissue its CA certificate to "
    "RFC 5280 (critical Basic Constraints, Key Usage with keyCertSign, Subject and Authority "
    "Key Identifiers), or to exempt port 27017 from inspection; atlasconnect does not turn "
    "strict checking off."
)

_VERIFY_ROWS = (
    VerifyError(
        1,
        "X509_V_ERR_UNSPECIFIED",
        "unspecified certificate verification error",
        "invalid",
        "the TLS library rejected the certificate without saying why.",
        _PROXY,
        ("Unspecified certificate verification error",),
    ),
    VerifyError(
        2,
        "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT",
        "unable to get issuer certificate",
        "untrusted",
        "a CA certificate of the chain names an issuer that is not in the CA file.",
        _PROXY,
    ),
    VerifyError(
        3,
        "X509_V_ERR_UNABLE_TO_GET_CRL",
        "unable to get certificate CRL",
        "revoked",
        "a revocation list (CRL) for the certificate was required and none was found.",
        _CRL_FIX,
    ),
    VerifyError(
        4,
        "X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE",
        "unable to decrypt certificate's signature",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
    ),
    VerifyError(
        5,
        "X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE",
        "unable to decrypt CRL's signature",
        "revoked",
        "the revocation list (CRL) given in tlsCRLFile has an unreadable signature.",
        "replace tlsCRLFile with a current list from the CA, or remove it.",
    ),
    VerifyError(
        6,
        "X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
        "unable to decode issuer public key",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
    ),
    VerifyError(
        7,
        "X509_V_ERR_CERT_SIGNATURE_FAILURE",
        "certificate signature failure",
        "invalid",
        "the certificate's signature does not match its issuer: it was altered, or signed by "
        "another CA of the same name.",
        _NOT_ATLAS,
    ),
    VerifyError(
        8,
        "X509_V_ERR_CRL_SIGNATURE_FAILURE",
        "CRL signature failure",
        "revoked",
        "the revocation list (CRL) given in tlsCRLFile is not signed by the certificate's CA.",
        "replace tlsCRLFile with the CA's current list, or remove it.",
    ),
    VerifyError(
        9,
        "X509_V_ERR_CERT_NOT_YET_VALID",
        "certificate is not yet valid",
        "expired",
        "the certificate's validity starts after this machine's current time: the clock is behind.",
        _CLOCK,
        ("certificate is not yet valid or the system clock is incorrect",),
    ),
    VerifyError(
        10,
        "X509_V_ERR_CERT_HAS_EXPIRED",
        "certificate has expired",
        "expired",
        "the certificate expired by this machine's clock; Atlas renews its certificates "
        "well before they expire, so the clock is ahead or a CA of the bundle is stale.",
        _CLOCK,
    ),
    VerifyError(
        11,
        "X509_V_ERR_CRL_NOT_YET_VALID",
        "CRL is not yet valid",
        "revoked",
        "the revocation list (CRL) starts after this machine's current time.",
        "check the clock (`date -u`), and the list given in tlsCRLFile.",
    ),
    VerifyError(
        12,
        "X509_V_ERR_CRL_HAS_EXPIRED",
        "CRL has expired",
        "revoked",
        "the revocation list (CRL) given in tlsCRLFile is out of date.",
        "download the CA's current list for tlsCRLFile, or remove the option.",
    ),
    VerifyError(
        13,
        "X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD",
        "format error in certificate's notBefore field",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
    ),
    VerifyError(
        14,
        "X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD",
        "format error in certificate's notAfter field",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
    ),
    VerifyError(
        15,
        "X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD",
        "format error in CRL's lastUpdate field",
        "revoked",
        "the revocation list (CRL) given in tlsCRLFile is malformed.",
        "replace tlsCRLFile with the CA's current list, or remove it.",
    ),
    VerifyError(
        16,
        "X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD",
        "format error in CRL's nextUpdate field",
        "revoked",
        "the revocation list (CRL) given in tlsCRLFile is malformed.",
        "replace tlsCRLFile with the CA's current list, or remove it.",
    ),
    VerifyError(
        17,
        "X509_V_ERR_OUT_OF_MEM",
        "out of memory",
        "invalid",
        "the TLS library ran out of memory while checking the certificate.",
        "free memory on this machine (or raise the container's limit) and retry.",
    ),
    VerifyError(
        18,
        "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT",
        "self-signed certificate",
        "untrusted",
        "the server presented a certificate that signs itself: no CA vouches for it, so it "
        "is not Atlas's (Atlas's are signed by public CAs).",
        _NOT_ATLAS,
        ("self signed certificate",),
    ),
    VerifyError(
        19,
        "X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN",
        "self-signed certificate in certificate chain",
        "untrusted",
        "the certificate chain ends in a root CA that is not in the CA file: most often the "
        "root of a TLS-inspecting proxy.",
        _PROXY,
        ("self signed certificate in certificate chain",),
    ),
    VerifyError(
        20,
        "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
        "unable to get local issuer certificate",
        "untrusted",
        "no CA in the CA file signed the certificate: a TLS-inspecting proxy replaced "
        "Atlas's certificate, or the CA bundle is out of date.",
        _PROXY,
    ),
    VerifyError(
        21,
        "X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        "unable to verify the first certificate",
        "untrusted",
        "the server sent its certificate without the CA certificate that signed it, and the "
        "CA file does not hold that CA.",
        _PROXY,
    ),
    VerifyError(
        22,
        "X509_V_ERR_CERT_CHAIN_TOO_LONG",
        "certificate chain too long",
        "invalid",
        "the certificate chain is longer than the TLS library accepts.",
        _NOT_ATLAS,
    ),
    VerifyError(
        23,
        "X509_V_ERR_CERT_REVOKED",
        "certificate revoked",
        "revoked",
        "the certificate's CA revoked it.",
        _NOT_ATLAS,
    ),
    VerifyError(
        24,
        "X509_V_ERR_NO_ISSUER_PUBLIC_KEY",
        "issuer certificate doesn't have a public key",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
        ("Issuer certificate doesn't have a public key",),
    ),
    VerifyError(
        25,
        "X509_V_ERR_PATH_LENGTH_EXCEEDED",
        "path length constraint exceeded",
        "invalid",
        "a CA of the chain signed more levels of CAs below it than it may.",
        _NOT_ATLAS,
    ),
    VerifyError(
        26,
        "X509_V_ERR_INVALID_PURPOSE",
        "unsuitable certificate purpose",
        "invalid",
        "the certificate is not meant for a TLS server (its Extended Key Usage lacks serverAuth).",
        _NOT_ATLAS,
        ("unsupported certificate purpose",),
    ),
    VerifyError(
        27,
        "X509_V_ERR_CERT_UNTRUSTED",
        "certificate not trusted",
        "untrusted",
        "the root CA is in the CA file but not trusted for TLS servers.",
        _PROXY,
    ),
    VerifyError(
        28,
        "X509_V_ERR_CERT_REJECTED",
        "certificate rejected",
        "untrusted",
        "the root CA is marked as rejected for TLS servers in the CA file.",
        _PROXY,
    ),
    VerifyError(
        29,
        "X509_V_ERR_SUBJECT_ISSUER_MISMATCH",
        "subject issuer mismatch",
        "untrusted",
        "a candidate issuer's name does not match the certificate's issuer (a step of "
        "looking for the CA; the CA was not found).",
        _PROXY,
    ),
    VerifyError(
        30,
        "X509_V_ERR_AKID_SKID_MISMATCH",
        "authority and subject key identifier mismatch",
        "untrusted",
        "a candidate issuer's key identifier does not match the certificate's (the CA was "
        "not found: often an old and a new CA of the same name).",
        _PROXY,
    ),
    VerifyError(
        31,
        "X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH",
        "authority and issuer serial number mismatch",
        "untrusted",
        "a candidate issuer's serial number does not match the certificate's (the CA was "
        "not found).",
        _PROXY,
    ),
    VerifyError(
        32,
        "X509_V_ERR_KEYUSAGE_NO_CERTSIGN",
        "key usage does not include certificate signing",
        "invalid",
        "a CA certificate of the chain may not sign certificates.",
        _NOT_ATLAS,
    ),
    VerifyError(
        33,
        "X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER",
        "unable to get CRL issuer certificate",
        "revoked",
        "the CA that signed the revocation list (CRL) is not in the CA file.",
        _CRL_FIX,
    ),
    VerifyError(
        34,
        "X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION",
        "unhandled critical extension",
        "invalid",
        "the certificate has an extension marked critical that the TLS library does not "
        "understand.",
        _NOT_ATLAS,
    ),
    VerifyError(
        35,
        "X509_V_ERR_KEYUSAGE_NO_CRL_SIGN",
        "key usage does not include CRL signing",
        "revoked",
        "the revocation list (CRL) is signed by a certificate that may not sign CRLs.",
        _CRL_FIX,
    ),
    VerifyError(
        36,
        "X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION",
        "unhandled critical CRL extension",
        "revoked",
        "the revocation list (CRL) has a critical extension the TLS library does not understand.",
        _CRL_FIX,
    ),
    VerifyError(
        37,
        "X509_V_ERR_INVALID_NON_CA",
        "invalid non-CA certificate (has CA markings)",
        "invalid",
        "a certificate used as the server's is marked as a CA.",
        _NOT_ATLAS,
    ),
    VerifyError(
        38,
        "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED",
        "proxy path length constraint exceeded",
        "invalid",
        "a proxy certificate chain (RFC 3820) is too long.",
        _NOT_ATLAS,
    ),
    VerifyError(
        39,
        "X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE",
        "key usage does not include digital signature",
        "invalid",
        "the server's certificate may not be used for the signatures TLS needs.",
        _NOT_ATLAS,
    ),
    VerifyError(
        40,
        "X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED",
        "proxy certificates not allowed, please set the appropriate flag",
        "invalid",
        "the chain holds a proxy certificate (RFC 3820), which TLS clients refuse.",
        _NOT_ATLAS,
    ),
    VerifyError(
        41,
        "X509_V_ERR_INVALID_EXTENSION",
        "invalid or inconsistent certificate extension",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
    ),
    VerifyError(
        42,
        "X509_V_ERR_INVALID_POLICY_EXTENSION",
        "invalid or inconsistent certificate policy extension",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
    ),
    VerifyError(
        43,
        "X509_V_ERR_NO_EXPLICIT_POLICY",
        "no explicit policy",
        "invalid",
        "the chain requires a certificate policy that no certificate names.",
        _NOT_ATLAS,
    ),
    VerifyError(
        44,
        "X509_V_ERR_DIFFERENT_CRL_SCOPE",
        "different CRL scope",
        "revoked",
        "the revocation list (CRL) does not cover this certificate.",
        _CRL_FIX,
        ("Different CRL scope",),
    ),
    VerifyError(
        45,
        "X509_V_ERR_UNSUPPORTED_EXTENSION_FEATURE",
        "unsupported extension feature",
        "invalid",
        "the certificate uses an extension feature the TLS library does not support.",
        _NOT_ATLAS,
        ("Unsupported extension feature",),
    ),
    VerifyError(
        46,
        "X509_V_ERR_UNNESTED_RESOURCE",
        "RFC 3779 resource not subset of parent's resources",
        "invalid",
        "the certificate claims IP address resources its CA does not hold (RFC 3779).",
        _NOT_ATLAS,
    ),
    VerifyError(
        47,
        "X509_V_ERR_PERMITTED_VIOLATION",
        "permitted subtree violation",
        "invalid",
        "the certificate names a host outside the names its CA may sign for.",
        _NOT_ATLAS,
    ),
    VerifyError(
        48,
        "X509_V_ERR_EXCLUDED_VIOLATION",
        "excluded subtree violation",
        "invalid",
        "the certificate names a host its CA is forbidden to sign for.",
        _NOT_ATLAS,
    ),
    VerifyError(
        49,
        "X509_V_ERR_SUBTREE_MINMAX",
        "name constraints minimum and maximum not supported",
        "invalid",
        "a CA of the chain uses a name constraint form the TLS library does not support.",
        _NOT_ATLAS,
    ),
    VerifyError(
        50,
        "X509_V_ERR_APPLICATION_VERIFICATION",
        "application verification failure",
        "invalid",
        "a check the application added to the TLS library refused the certificate.",
        "read the message of the library or wrapper that added the check.",
    ),
    VerifyError(
        51,
        "X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE",
        "unsupported name constraint type",
        "invalid",
        "a CA of the chain uses a name constraint type the TLS library does not support.",
        _NOT_ATLAS,
    ),
    VerifyError(
        52,
        "X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX",
        "unsupported or invalid name constraint syntax",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
    ),
    VerifyError(
        53,
        "X509_V_ERR_UNSUPPORTED_NAME_SYNTAX",
        "unsupported or invalid name syntax",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
    ),
    VerifyError(
        54,
        "X509_V_ERR_CRL_PATH_VALIDATION_ERROR",
        "CRL path validation error",
        "revoked",
        "the chain of the revocation list's (CRL's) signer could not be verified.",
        _CRL_FIX,
    ),
    VerifyError(
        55,
        "X509_V_ERR_PATH_LOOP",
        "path loop",
        "invalid",
        "the CA certificates sign each other in a loop.",
        _NOT_ATLAS,
        ("Path Loop",),
    ),
    *(
        VerifyError(
            code,
            name,
            text,
            "invalid",
            "the certificate breaks a rule of the Suite B profile, which only a client that "
            "asks for Suite B enforces.",
            "connect without a Suite B cipher string (leave the TLS settings to atlasconnect).",
        )
        for code, name, text in (
            (56, "X509_V_ERR_SUITE_B_INVALID_VERSION", "Suite B: certificate version invalid"),
            (57, "X509_V_ERR_SUITE_B_INVALID_ALGORITHM", "Suite B: invalid public key algorithm"),
            (58, "X509_V_ERR_SUITE_B_INVALID_CURVE", "Suite B: invalid ECC curve"),
            (
                59,
                "X509_V_ERR_SUITE_B_INVALID_SIGNATURE_ALGORITHM",
                "Suite B: invalid signature algorithm",
            ),
            (60, "X509_V_ERR_SUITE_B_LOS_NOT_ALLOWED", "Suite B: curve not allowed for this LOS"),
            (
                61,
                "X509_V_ERR_SUITE_B_CANNOT_SIGN_P_384_WITH_P_256",
                "Suite B: cannot sign P-384 with P-256",
            ),
        )
    ),
    VerifyError(
        62,
        "X509_V_ERR_HOSTNAME_MISMATCH",
        "hostname mismatch",
        "hostname_mismatch",
        "the certificate is not valid for the host name the client connected to: an alias, a "
        "host of another cluster, or a proxy's certificate.",
        "connect with the host names Atlas gives: copy the connection string from Atlas "
        "(Database > Connect > Drivers), not an alias (a CNAME of your own) or a load "
        "balancer's name.",
        ("Hostname mismatch", "Hostname mismatch, certificate is not valid for"),
    ),
    VerifyError(
        63,
        "X509_V_ERR_EMAIL_MISMATCH",
        "email address mismatch",
        "invalid",
        "the certificate does not name the e-mail address asked for (a check TLS clients do "
        "not use).",
        _NOT_ATLAS,
        ("Email address mismatch",),
    ),
    VerifyError(
        64,
        "X509_V_ERR_IP_ADDRESS_MISMATCH",
        "IP address mismatch",
        "hostname_mismatch",
        "the client connected to an IP address, and the certificate names host names only: "
        "Atlas's certificates never name IP addresses.",
        "connect by the host names Atlas shows (Database > Connect > Drivers), never by IP "
        "address; for a private endpoint, use its host names too.",
        ("IP address mismatch, certificate is not valid for",),
    ),
    VerifyError(
        65,
        "X509_V_ERR_DANE_NO_MATCH",
        "no matching DANE TLSA records",
        "invalid",
        "the certificate does not match the host's DANE (TLSA) records.",
        _NOT_ATLAS,
        ("No matching DANE TLSA records",),
    ),
    VerifyError(
        66,
        "X509_V_ERR_EE_KEY_TOO_SMALL",
        "EE certificate key too weak",
        "invalid",
        "the server's key is shorter than this OpenSSL's security level allows.",
        _NOT_ATLAS,
    ),
    VerifyError(
        67,
        "X509_V_ERR_CA_KEY_TOO_SMALL",
        "CA certificate key too weak",
        "invalid",
        "a CA's key is shorter than this OpenSSL's security level allows: often an old "
        "TLS-inspecting proxy's CA.",
        _NOT_ATLAS,
    ),
    VerifyError(
        68,
        "X509_V_ERR_CA_MD_TOO_WEAK",
        "CA signature digest algorithm too weak",
        "invalid",
        "a certificate of the chain is signed with a hash this OpenSSL refuses (MD5, SHA-1).",
        _NOT_ATLAS,
    ),
    VerifyError(
        69,
        "X509_V_ERR_INVALID_CALL",
        "invalid certificate verification context",
        "invalid",
        "the TLS library was called in a way it does not support (a bug of the caller).",
        "upgrade Python, pymongo and pyOpenSSL; report it if it remains.",
        ("Invalid certificate verification context",),
    ),
    VerifyError(
        70,
        "X509_V_ERR_STORE_LOOKUP",
        "issuer certificate lookup error",
        "untrusted",
        "looking up the issuer in the CA store failed (an unreadable CA file or directory).",
        "check that the CA file (tlsCAFile, or certifi's) exists and is readable; "
        "`python -m pip install --upgrade --force-reinstall certifi` repairs certifi's.",
        ("Issuer certificate lookup error",),
    ),
    VerifyError(
        71,
        "X509_V_ERR_NO_VALID_SCTS",
        "Certificate Transparency required, but no valid SCTs found",
        "invalid",
        "Certificate Transparency was required and the certificate has no valid proof of it.",
        _NOT_ATLAS,
    ),
    VerifyError(
        72,
        "X509_V_ERR_PROXY_SUBJECT_NAME_VIOLATION",
        "proxy subject name violation",
        "invalid",
        "a proxy certificate (RFC 3820) has a subject its issuer may not give it.",
        _NOT_ATLAS,
    ),
    VerifyError(
        73,
        "X509_V_ERR_OCSP_VERIFY_NEEDED",
        "OCSP verification needed",
        "revoked",
        "the certificate's revocation status must be checked by OCSP and was not.",
        _CRL_FIX,
    ),
    VerifyError(
        74,
        "X509_V_ERR_OCSP_VERIFY_FAILED",
        "OCSP verification failed",
        "revoked",
        _CRL,
        _CRL_FIX,
    ),
    VerifyError(
        75,
        "X509_V_ERR_OCSP_CERT_UNKNOWN",
        "OCSP unknown cert",
        "revoked",
        "the CA's OCSP responder does not know the certificate: it is not the CA's.",
        _NOT_ATLAS,
    ),
    VerifyError(
        76,
        "X509_V_ERR_UNSUPPORTED_SIGNATURE_ALGORITHM",
        "Cannot find certificate signature algorithm",
        "invalid",
        "a certificate is signed with an algorithm this OpenSSL does not know.",
        _NOT_ATLAS,
    ),
    VerifyError(
        77,
        "X509_V_ERR_SIGNATURE_ALGORITHM_MISMATCH",
        "subject signature algorithm and issuer public key algorithm mismatch",
        "invalid",
        _MALFORMED,
        _NOT_ATLAS,
        ("Subject signature algorithm and issuer public key algorithm mismatch",),
    ),
    VerifyError(
        78,
        "X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY",
        "cert info signature and signature algorithm mismatch",
        "strict_x509",
        _STRICT,
        _STRICT_FIX,
    ),
    VerifyError(
        79,
        "X509_V_ERR_INVALID_CA",
        "invalid CA certificate",
        "invalid",
        "a certificate used as a CA is not marked as one (no Basic Constraints CA:TRUE); "
        "OpenSSL 1.1.1 numbered this error 24.",
        _NOT_ATLAS,
    ),
    *(
        VerifyError(code, name, text, "strict_x509", _STRICT, _STRICT_FIX)
        for code, name, text in (
            (80, "X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA", "Path length invalid for non-CA cert"),
            (
                81,
                "X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN",
                "Path length given without key usage keyCertSign",
            ),
            (
                82,
                "X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA",
                "Key usage keyCertSign invalid for non-CA cert",
            ),
            (83, "X509_V_ERR_ISSUER_NAME_EMPTY", "Issuer name empty"),
            (84, "X509_V_ERR_SUBJECT_NAME_EMPTY", "Subject name empty"),
            (
                85,
                "X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER",
                "Missing Authority Key Identifier",
            ),
            (86, "X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER", "Missing Subject Key Identifier"),
            (87, "X509_V_ERR_EMPTY_SUBJECT_ALT_NAME", "Empty Subject Alternative Name extension"),
            (
                88,
                "X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL",
                "Subject empty and Subject Alt Name extension not critical",
            ),
            (
                89,
                "X509_V_ERR_CA_BCONS_NOT_CRITICAL",
                "Basic Constraints of CA cert not marked critical",
            ),
            (
                90,
                "X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL",
                "Authority Key Identifier marked critical",
            ),
            (
                91,
                "X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL",
                "Subject Key Identifier marked critical",
            ),
            (
                92,
                "X509_V_ERR_CA_CERT_MISSING_KEY_USAGE",
                "CA cert does not include key usage extension",
            ),
            (
                93,
                "X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3",
                "Using cert extension requires at least X509v3",
            ),
            (
                94,
                "X509_V_ERR_EC_KEY_EXPLICIT_PARAMS",
                "Certificate public key has explicit ECC parameters",
            ),
        )
    ),
    VerifyError(
        95,
        "X509_V_ERR_RPK_UNTRUSTED",
        "Raw public key untrusted, no trusted keys configured",
        "untrusted",
        "the server sent a raw public key (RFC 7250) instead of a certificate, and no key is "
        "trusted.",
        _NOT_ATLAS,
    ),
    *(
        VerifyError(code, name, text, "revoked", _CRL, _CRL_FIX)
        for code, name, text in (
            (96, "X509_V_ERR_OCSP_RESP_INVALID", "OCSP response(s) invalid"),
            (
                97,
                "X509_V_ERR_OCSP_SIGNATURE_FAILURE",
                "OCSP response signature verification failure",
            ),
            (
                98,
                "X509_V_ERR_OCSP_NOT_YET_VALID",
                "OCSP response not yet valid (contains a date in the future)",
            ),
            (99, "X509_V_ERR_OCSP_HAS_EXPIRED", "OCSP response has expired"),
            (100, "X509_V_ERR_OCSP_NO_RESPONSE", "no OCSP response available for certificate"),
        )
    ),
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


_CLIENT_CERT = (
    "the server refused the client certificate (tlsCertificateKeyFile): it expects one "
    "signed by a CA it trusts."
)
_CLIENT_CERT_FIX = (
    "for Atlas X.509 users, download a current certificate from Security > Database Access "
    "(Edit the user > Download certificate) or check the CA uploaded under Security > "
    "Advanced > Self-managed X.509 Authentication, and pass the PEM with the certificate and "
    "key as tlsCertificateKeyFile; with no X.509 user, leave tlsCertificateKeyFile out."
)
_OLD_TLS = (
    "compare TLS versions: Atlas speaks TLS 1.2 and 1.3 (a cluster can require 1.3: Atlas, "
    'cluster > Edit Configuration > Additional Settings), so check `python -c "import ssl; '
    'print(ssl.OPENSSL_VERSION)"` and upgrade an OpenSSL older than 1.1.1, and ask whether a '
    "proxy on port 27017 speaks older TLS."
)
_PROTOCOL_BUG = (
    "the two TLS stacks disagreed on the protocol itself: a middlebox that alters TLS "
    "traffic, or a bug of one side."
)
_PROTOCOL_FIX = (
    "upgrade Python (its OpenSSL) and pymongo, and ask whether a proxy or firewall on port "
    "27017 inspects or alters TLS; Atlas itself speaks standard TLS 1.2 and 1.3."
)

ALERTS: dict[int, Alert] = {
    row.number: row
    for row in (
        Alert(
            0,
            "ALERT_DESCRIPTION_CLOSE_NOTIFY",
            None,
            None,
            "the server closed the TLS connection; during the handshake Python reports it as "
            "'EOF occurred in violation of protocol' or 'UNEXPECTED_EOF_WHILE_READING', which "
            "from Atlas means this machine's IP address is not on the access list or TLS is off.",
            "add this machine's public IP address in Atlas under Security > Network Access "
            "(IP Access List), and connect with TLS (mongodb+srv:// or tls=true).",
        ),
        Alert(
            10,
            "ALERT_DESCRIPTION_UNEXPECTED_MESSAGE",
            "SSLV3_ALERT_UNEXPECTED_MESSAGE",
            "sslv3 alert unexpected message",
            _PROTOCOL_BUG,
            _PROTOCOL_FIX,
        ),
        Alert(
            20,
            "ALERT_DESCRIPTION_BAD_RECORD_MAC",
            "SSLV3_ALERT_BAD_RECORD_MAC",
            "sslv3 alert bad record mac",
            "a TLS record arrived altered: a middlebox changed the traffic, or the network "
            "corrupted it.",
            _PROTOCOL_FIX,
        ),
        Alert(
            22,
            "ALERT_DESCRIPTION_RECORD_OVERFLOW",
            "TLSV1_ALERT_RECORD_OVERFLOW",
            "tlsv1 alert record overflow",
            "a TLS record was longer than allowed: " + _PROTOCOL_BUG,
            _PROTOCOL_FIX,
        ),
        Alert(
            30,
            "ALERT_DESCRIPTION_DECOMPRESSION_FAILURE",
            "SSLV3_ALERT_DECOMPRESSION_FAILURE",
            "sslv3 alert decompression failure",
            "TLS compression failed; no current TLS stack compresses, so " + _PROTOCOL_BUG,
            _PROTOCOL_FIX,
        ),
        Alert(
            40,
            "ALERT_DESCRIPTION_HANDSHAKE_FAILURE",
            "SSLV3_ALERT_HANDSHAKE_FAILURE",
            "sslv3 alert handshake failure",
            "the server found no TLS version, cipher or curve it shares with this client (or "
            "refused the client certificate on an older server).",
            _OLD_TLS,
        ),
        Alert(
            42,
            "ALERT_DESCRIPTION_BAD_CERTIFICATE",
            "SSLV3_ALERT_BAD_CERTIFICATE",
            "sslv3 alert bad certificate",
            _CLIENT_CERT,
            _CLIENT_CERT_FIX,
        ),
        Alert(
            43,
            "ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE",
            "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
            "sslv3 alert unsupported certificate",
            "the server refused the client certificate's type or purpose (it must allow "
            "clientAuth).",
            _CLIENT_CERT_FIX,
        ),
        Alert(
            44,
            "ALERT_DESCRIPTION_CERTIFICATE_REVOKED",
            "SSLV3_ALERT_CERTIFICATE_REVOKED",
            "sslv3 alert certificate revoked",
            "the server found the client certificate revoked.",
            _CLIENT_CERT_FIX,
        ),
        Alert(
            45,
            "ALERT_DESCRIPTION_CERTIFICATE_EXPIRED",
            "SSLV3_ALERT_CERTIFICATE_EXPIRED",
            "sslv3 alert certificate expired",
            "the server found the client certificate (tlsCertificateKeyFile) expired, or not "
            "yet valid by its clock.",
            "download a new certificate for the X.509 user in Atlas (Security > Database "
            "Access > Edit > Download certificate; Atlas-managed ones last up to 24 months) "
            "and pass it as tlsCertificateKeyFile.",
        ),
        Alert(
            46,
            "ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN",
            "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
            "sslv3 alert certificate unknown",
            "the server refused the client certificate for a reason it did not name.",
            _CLIENT_CERT_FIX,
        ),
        Alert(
            47,
            "ALERT_DESCRIPTION_ILLEGAL_PARAMETER",
            "SSLV3_ALERT_ILLEGAL_PARAMETER",
            "sslv3 alert illegal parameter",
            "a field of the handshake had a value the server refuses: " + _PROTOCOL_BUG,
            _PROTOCOL_FIX,
        ),
        Alert(
            48,
            "ALERT_DESCRIPTION_UNKNOWN_CA",
            "TLSV1_ALERT_UNKNOWN_CA",
            "tlsv1 alert unknown ca",
            "the server does not trust the CA that signed the client certificate "
            "(tlsCertificateKeyFile).",
            _CLIENT_CERT_FIX,
        ),
        Alert(
            49,
            "ALERT_DESCRIPTION_ACCESS_DENIED",
            "TLSV1_ALERT_ACCESS_DENIED",
            "tlsv1 alert access denied",
            "the server accepted the client certificate but refuses this client access.",
            "check the X.509 user's roles under Security > Database Access, and the project's "
            "IP Access List under Security > Network Access.",
        ),
        Alert(
            50,
            "ALERT_DESCRIPTION_DECODE_ERROR",
            "TLSV1_ALERT_DECODE_ERROR",
            "tlsv1 alert decode error",
            "the server could not decode a handshake message: " + _PROTOCOL_BUG,
            _PROTOCOL_FIX,
        ),
        Alert(
            51,
            "ALERT_DESCRIPTION_DECRYPT_ERROR",
            "TLSV1_ALERT_DECRYPT_ERROR",
            "tlsv1 alert decrypt error",
            "a handshake signature or key check failed: the client certificate's key does not "
            "match it, or a middlebox altered the handshake.",
            "check that tlsCertificateKeyFile holds the certificate with its own private key "
            "(download both from Atlas again); " + _PROTOCOL_FIX,
        ),
        Alert(
            70,
            "ALERT_DESCRIPTION_PROTOCOL_VERSION",
            "TLSV1_ALERT_PROTOCOL_VERSION",
            "tlsv1 alert protocol version",
            "the server speaks none of the TLS versions this client offers: a cluster that "
            "requires TLS 1.3, a client floor above what the server speaks, or an old proxy.",
            _OLD_TLS,
        ),
        Alert(
            71,
            "ALERT_DESCRIPTION_INSUFFICIENT_SECURITY",
            "TLSV1_ALERT_INSUFFICIENT_SECURITY",
            "tlsv1 alert insufficient security",
            "the server requires stronger ciphers than this client offers.",
            _OLD_TLS,
        ),
        Alert(
            80,
            "ALERT_DESCRIPTION_INTERNAL_ERROR",
            "TLSV1_ALERT_INTERNAL_ERROR",
            "tlsv1 alert internal error",
            "from Atlas: this machine's public IP address is not on the project's IP Access "
            "List, so Atlas ends the handshake at once (other servers send it for a fault of "
            "their own).",
            "in Atlas, open Security > Network Access > IP Access List and add this machine's "
            "public IP address ('Add Current IP Address' from a browser on this machine; from "
            "here: `curl https://checkip.amazonaws.com`). A new entry takes about a minute.",
        ),
        Alert(
            90,
            "ALERT_DESCRIPTION_USER_CANCELLED",
            "TLSV1_ALERT_USER_CANCELLED",
            "tlsv1 alert user cancelled",
            "the server cancelled the handshake (it is shutting down or restarting).",
            "retry after a few seconds; if it repeats, check the cluster's status in Atlas.",
        ),
        Alert(
            100,
            "ALERT_DESCRIPTION_NO_RENEGOTIATION",
            "TLSV1_ALERT_NO_RENEGOTIATION",
            "tlsv1 alert no renegotiation",
            "the server refused to renegotiate the TLS session; pymongo never asks to, so a "
            "middlebox did.",
            _PROTOCOL_FIX,
        ),
        Alert(
            110,
            "ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION",
            "TLSV1_UNSUPPORTED_EXTENSION",
            "tlsv1 unsupported extension",
            "the server received a TLS extension it did not ask for: " + _PROTOCOL_BUG,
            _PROTOCOL_FIX,
        ),
        Alert(
            111,
            "ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE",
            "TLSV1_CERTIFICATE_UNOBTAINABLE",
            "tlsv1 certificate unobtainable",
            "the server could not fetch a certificate it needed (from a URL the client gave); "
            "pymongo never sends one, so a middlebox is involved.",
            _PROTOCOL_FIX,
        ),
        Alert(
            112,
            "ALERT_DESCRIPTION_UNRECOGNIZED_NAME",
            "TLSV1_UNRECOGNIZED_NAME",
            "tlsv1 unrecognized name",
            "the server does not serve the host name the client sent (SNI): a host name of "
            "another cluster, an alias, or a proxy that routes by name.",
            "connect with the host names Atlas shows (Database > Connect > Drivers), not an "
            "alias or an IP address.",
        ),
        Alert(
            113,
            "ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE",
            "TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE",
            "tlsv1 bad certificate status response",
            "an OCSP status response in the handshake was invalid.",
            _CRL_FIX,
        ),
        Alert(
            114,
            "ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE",
            "TLSV1_BAD_CERTIFICATE_HASH_VALUE",
            "tlsv1 bad certificate hash value",
            "a certificate's hash did not match (an obsolete TLS extension): " + _PROTOCOL_BUG,
            _PROTOCOL_FIX,
        ),
        Alert(
            115,
            "ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY",
            "TLSV1_ALERT_UNKNOWN_PSK_IDENTITY",
            "tlsv1 alert unknown psk identity",
            "the server does not know the pre-shared key identity offered; pymongo offers none, "
            "so a middlebox is involved. Python 3.10 and 3.11 print it as '[SSL] tlsv1 alert "
            "unknown psk identity', without the name.",
            _PROTOCOL_FIX,
        ),
        Alert(
            21,
            None,
            "TLSV1_ALERT_DECRYPTION_FAILED",
            "tlsv1 alert decryption failed",
            "a record could not be decrypted (an alert of TLS 1.0, never sent by current "
            "stacks): " + _PROTOCOL_BUG,
            _PROTOCOL_FIX,
        ),
        Alert(
            41,
            None,
            "SSLV3_ALERT_NO_CERTIFICATE",
            "sslv3 alert no certificate",
            "an SSL 3 server wanted a client certificate; no current server speaks SSL 3.",
            _OLD_TLS,
        ),
        Alert(
            60,
            None,
            "TLSV1_ALERT_EXPORT_RESTRICTION",
            "tlsv1 alert export restriction",
            "an export-grade cipher was refused (a 1990s alert); the server is obsolete.",
            _OLD_TLS,
        ),
        Alert(
            86,
            None,
            "TLSV1_ALERT_INAPPROPRIATE_FALLBACK",
            "tlsv1 alert inappropriate fallback",
            "the client retried with an older TLS version than both support, and the server "
            "refused the downgrade: a middlebox interfered with the first attempt.",
            _PROTOCOL_FIX,
        ),
        Alert(
            109,
            None,
            "TLSV13_ALERT_MISSING_EXTENSION",
            "tlsv13 alert missing extension",
            "a TLS 1.3 handshake lacked a required extension: " + _PROTOCOL_BUG,
            _PROTOCOL_FIX,
        ),
        Alert(
            116,
            None,
            "TLSV13_ALERT_CERTIFICATE_REQUIRED",
            "tlsv13 alert certificate required",
            "the server requires a client certificate and this client sent none: the cluster "
            "or the user expects X.509 authentication.",
            "pass the X.509 certificate and key of an Atlas user as tlsCertificateKeyFile (and "
            "authMechanism=MONGODB-X509), or log in with a password user if the cluster allows "
            "it.",
        ),
        Alert(
            120,
            None,
            "TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
            "tlsv1 alert no application protocol",
            "the server requires an application protocol (ALPN) this client did not offer: the "
            "port belongs to another service, or a proxy expects HTTP.",
            "compare the host and port with the connection string Atlas shows; MongoDB's port "
            "is 27017.",
        ),
    )
}
"""Every alert, by number."""


def alert(message: str) -> Alert | None:
    """The alert whose reason name or text is in ``message`` (any letter case)."""
    lowered = message.lower()
    for row in ALERTS.values():
        if any(part and part.lower() in lowered for part in (row.reason, row.text)):
            return row
    return None
