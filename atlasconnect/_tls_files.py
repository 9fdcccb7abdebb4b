"""The files the TLS settings name: the CA file trusted, a CRL file, the client certificate.

- The CA file is the caller's ``tlsCAFile`` (a keyword wins), else certifi's
  bundle. It must exist, be readable and hold certificates, as OpenSSL loads
  it for pymongo (:func:`check_ca_file`); :func:`ca_file_error` explains one
  that does not.
- A CRL file (``tlsCRLFile``) may add revocation data, never trust: pymongo
  loads it as it loads trusted CAs, so any PEM block but a CRL in it is
  refused (:func:`refuse_trust_in_crl_file`).
- A client certificate file (``tlsCertificateKeyFile``) whose key is encrypted
  needs its password up front, or OpenSSL would ask for it on the terminal
  (:func:`refuse_key_without_password`); one pymongo cannot load is explained
  as what is wrong with it (:func:`client_certificate_problem`,
  :func:`key_file_error`).

What a file's setting may be set to at all (TLS on, verification on, the
floor) is :mod:`atlasconnect._tls`'s policy.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Mapping
from typing import Any

import certifi

from . import _phrasing as phrasing
from . import _shell as shell
from ._exceptions import CABundleError, ConnectionStringError, InsecureConfigurationError
from ._settings import Option, Place, chosen_option


def choose_ca_file(uri_options: Mapping[str, Any], keywords: Mapping[str, Any]) -> str:
    """The CA file to trust: the caller's ``tlsCAFile`` (a keyword wins), else certifi's."""
    chosen = chosen_option("tlscafile", uri_options, keywords)
    return chosen.value if chosen else certifi.where()


def refuse_trust_in_crl_file(uri_options: Mapping[str, Any], keywords: Mapping[str, Any]) -> None:
    """Refuse a ``tlsCRLFile`` that holds anything but certificate revocation lists.

    pymongo's standard ``ssl`` backend loads the CRL file with the call that
    loads trusted CAs (``load_verify_locations``), so a certificate in it would
    be trusted as if it were in ``tlsCAFile``. Only PEM blocks can be loaded
    from it, so every PEM block must be an ``X509 CRL``. A file that cannot be
    read is left to pymongo, which reports it as it always has.
    """
    chosen = chosen_option("tlscrlfile", uri_options, keywords)
    if chosen is None:
        return
    pem = _contents_or_none(chosen.value)
    if pem is None:
        return
    others = sorted({label for label in _PEM_BEGIN.findall(pem) if label != _CRL_LABEL})
    if others:
        raise _crl_file_trusts_error(chosen, [label.decode("latin-1") for label in others])


_PEM_BEGIN = re.compile(rb"-----BEGIN ([^\r\n]*?)-----")
_CRL_LABEL = b"X509 CRL"


def _contents_or_none(path: str) -> bytes | None:
    """The bytes of a file an option names; None when it cannot be read (pymongo says why)."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except (OSError, ValueError):
        return None


def _crl_file_trusts_error(option: Option, labels: list[str]) -> InsecureConfigurationError:
    setting = f"{option.name}={option.value}"
    blocks = ", ".join(f"-----BEGIN {shell.prose(label)}-----" for label in labels)
    return InsecureConfigurationError(
        f"The file given as {option.name} in {option.place.phrase}, "
        f"{shell.prose(option.value)}, holds {blocks} besides certificate revocation lists.",
        why=(
            "pymongo loads the CRL file with the same OpenSSL call that loads trusted CA "
            "certificates, so any certificate in it would be trusted: a server whose "
            "certificate it signed would pass verification although that CA is not in "
            "tlsCAFile or certifi's bundle."
        ),
        fix=_split_crl_file_fix(option.name, phrasing.connect_call(_SPLIT_FILES)),
        # The CRL file is an option of the connection string's query: '&' joins another.
        cli_fix=_split_crl_file_fix(
            option.name, f"append &tlsCAFile={_SPLIT_FILES['tlsCAFile']} to the connection string"
        )
        if option.place is Place.URI
        else None,
        setting=setting,
    )


_SPLIT_FILES = {"tlsCAFile": "/path/to/ca.pem", "tlsCRLFile": "/path/to/crl.pem"}


def _split_crl_file_fix(name: str, settings: str) -> str:
    return (
        "split the file: keep only its -----BEGIN X509 CRL----- blocks in the file given "
        f"as {name}, and pass the CA certificates as tlsCAFile: {settings}."
    )


def check_ca_file(path: str) -> int:
    """The CA file must exist, be readable and hold certificates; return how many.

    OpenSSL itself loads the file, the way pymongo will, so that every form it
    accepts counts (``TRUSTED CERTIFICATE`` blocks included) and nothing it
    would refuse passes.
    """
    _read_ca_file(path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cafile=path)
    except ssl.SSLError as exc:
        if exc.reason == "NO_CERTIFICATE_OR_CRL_FOUND":
            raise ca_file_error(path, "empty", "holds no PEM certificates") from None
        raise ca_file_error(path, "invalid", "is not a valid PEM file of certificates") from None
    except OSError as exc:
        raise ca_file_error(path, "unreadable", f"cannot be read ({exc.strerror})") from None
    certificates = int(context.cert_store_stats()["x509"])
    if certificates == 0:
        raise ca_file_error(path, "empty", "holds no PEM certificates")
    return certificates


_CERTIFICATE_MARKERS = (
    b"-----BEGIN CERTIFICATE-----",
    b"-----BEGIN TRUSTED CERTIFICATE-----",
    b"-----BEGIN X509 CERTIFICATE-----",
)


def check_ca_file_quickly(path: str) -> None:
    """What :func:`check_ca_file` says of a missing, unreadable or empty file, without OpenSSL.

    For a CA file a client is about to load anyway: a file OpenSSL cannot
    parse makes that load fail, and :func:`ca_file_problem` then explains it.
    """
    if not any(marker in _read_ca_file(path) for marker in _CERTIFICATE_MARKERS):
        raise ca_file_error(path, "empty", "holds no PEM certificates")


def _read_ca_file(path: str) -> bytes:
    """The CA file's bytes; a missing or unreadable file is told apart from a bad one."""
    try:
        with open(path, "rb") as file:
            return file.read()
    except FileNotFoundError:
        raise ca_file_error(path, "missing", "does not exist") from None
    except OSError as exc:
        raise ca_file_error(path, "unreadable", f"cannot be read ({exc.strerror})") from None
    except ValueError:
        raise ca_file_error(
            path, "missing", "names no file: a file name cannot hold a NUL byte (\\x00)"
        ) from None


def ca_file_problem(path: str | None) -> CABundleError | None:
    """What is wrong with the CA file now, if anything (None: no CA file to check).

    For explaining a failed client construction: the CA file passed its check
    when first used, which is remembered, and may have been emptied or
    deleted since.
    """
    if path is None:
        return None
    try:
        check_ca_file(path)
    except CABundleError as exc:
        return exc
    return None


def ca_file_error(path: str, reason: str, detail: str) -> CABundleError:
    """The explained error for a CA file that cannot be used (``reason``: see CABundleError)."""
    from_certifi = path == certifi.where()
    fix = (
        f"reinstall certifi: {phrasing.pip_install('--force-reinstall certifi')}"
        if from_certifi
        else "pass tlsCAFile the path of a readable PEM file that holds your CA's certificate, "
        "or leave tlsCAFile out to use certifi's bundle"
    )
    # From the command line, a CA file of one's own can only come from the connection string.
    cli_fix = (
        "make tlsCAFile= in the connection string the path of a readable PEM file that holds "
        "your CA's certificate, or remove tlsCAFile from it to use certifi's bundle"
    )
    source = "certifi's CA bundle" if from_certifi else "The CA file given as tlsCAFile"
    return CABundleError(
        f"{source} at {shell.prose(path)} {detail}.",
        why="without trusted CA certificates no Atlas server certificate can be verified.",
        fix=fix,
        cli_fix=fix if from_certifi else cli_fix,
        path=path,
        reason=reason,
    )


# From the command line the key file is an option of the URI's query: '&' joins another.
_KEY_UNLOCK_OPTION = "&tlsCertificateKeyFilePassword=<the key's password, percent-encoded>"
_ENCRYPTED_KEY_MARKERS = (b"-----BEGIN ENCRYPTED PRIVATE KEY-----", b"Proc-Type: 4,ENCRYPTED")


def refuse_key_without_password(
    uri_options: Mapping[str, Any], keywords: Mapping[str, Any]
) -> None:
    """An encrypted client key needs its password, or OpenSSL asks for it on the terminal.

    OpenSSL prompts ``Enter PEM pass phrase:`` and waits when a key is
    encrypted and no password was given: a server that imports atlasconnect
    would hang on it. A file that cannot be read is left to pymongo to report.
    """
    key_file = chosen_option("tlscertificatekeyfile", uri_options, keywords)
    if key_file is None or chosen_option("tlscertificatekeyfilepassword", uri_options, keywords):
        return
    pem = _contents_or_none(key_file.value)
    if pem is not None and any(marker in pem for marker in _ENCRYPTED_KEY_MARKERS):
        raise ConnectionStringError(
            f"The private key in the file given as {key_file.name} in {key_file.place.phrase}, "
            f"{shell.prose(key_file.value)}, is encrypted, but no "
            "tlsCertificateKeyFilePassword was given.",
            why="OpenSSL would stop and ask for the password on the terminal (Enter PEM pass "
            "phrase:), and a program that is not watched would wait for ever.",
            fix=f"add {_KEY_UNLOCK_OPTION} to the connection string, or pass "
            "connect(uri, tlsCertificateKeyFilePassword=...).",
            cli_fix=f"add {_KEY_UNLOCK_OPTION} to the connection string.",
            redacted_uri=None,
        )


KEY_FILE_TEXT = "Private key doesn't match certificate"
"""How pymongo words any failure to load ``tlsCertificateKeyFile``, whatever its cause."""

_PRIVATE_KEY_MARKER = rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"
_KEY_FILE_WHY = (
    "pymongo presents this certificate in every TLS handshake to prove who the client is "
    "(MONGODB-X509 logs in with it; a server that requires client certificates checks it). "
    "It needs the certificate and its private key in one PEM file, the key decrypted with "
    "tlsCertificateKeyFilePassword if it is encrypted, and words any failure to load them "
    f"'{KEY_FILE_TEXT}'."
)
_BOTH_IN_ONE_FILE = (
    "put the certificate and its private key in one PEM file, `cat client.crt client.key > "
    "client.pem`, and give that file as tlsCertificateKeyFile"
)
_KEY_PASSWORD_SETTING = {"tlsCertificateKeyFilePassword": "<the key's password, percent-encoded>"}


_KeyFileProblem = tuple[str, str]
"""What is wrong with a client certificate file: a reason, and its words. A plain tuple:
defining a NamedTuple class costs every fresh process a millisecond."""


def client_certificate_file(
    uri_options: Mapping[str, Any], keywords: Mapping[str, Any]
) -> str | None:
    """The ``tlsCertificateKeyFile`` the client will present (a keyword wins), None without."""
    chosen = chosen_option("tlscertificatekeyfile", uri_options, keywords)
    return chosen.value if chosen else None


def client_certificate_problem(
    uri_options: Mapping[str, Any], keywords: Mapping[str, Any], redacted_uri: str | None
) -> ConnectionStringError | None:
    """What is wrong with the ``tlsCertificateKeyFile`` a client could not be made with.

    pymongo says "Private key doesn't match certificate" for a wrong password, a
    file without its key or certificate and a key of another certificate alike:
    the file is read and loaded here as pymongo loads it (with the password given,
    never by asking on the terminal) to say which. None when there is no such
    option, or the file loads: the failure was something else.
    """
    key_file = chosen_option("tlscertificatekeyfile", uri_options, keywords)
    if key_file is None:
        return None
    password = chosen_option("tlscertificatekeyfilepassword", uri_options, keywords)
    problem = _key_file_problem(key_file.value, None if password is None else password.value)
    return None if problem is None else key_file_error(problem, key_file, redacted_uri)


def _key_file_problem(path: str, password: str | None) -> _KeyFileProblem | None:
    try:
        with open(path, "rb") as file:
            pem = file.read()
    except FileNotFoundError:
        return ("missing", "does not exist")
    except OSError as exc:
        return ("unreadable", f"cannot be read ({exc.strerror})")
    except ValueError:
        return ("missing", "names no file: a file name cannot hold a NUL byte")
    has_certificate = any(marker in pem for marker in _CERTIFICATE_MARKERS)
    has_key = re.search(_PRIVATE_KEY_MARKER, pem) is not None
    if not (has_certificate or has_key):
        return ("not_pem", "holds no PEM certificate or private key")
    if not has_key:
        return ("no_key", "holds a certificate but no private key")
    if not has_certificate:
        return ("no_certificate", "holds a private key but no certificate")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        # A callable, even without a password: OpenSSL must never ask on the terminal.
        context.load_cert_chain(path, password=lambda: (password or "").encode())
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            return _KEY_MISMATCH
        if any(marker in pem for marker in _ENCRYPTED_KEY_MARKERS):
            return _WRONG_KEY_PASSWORD
        return (
            "damaged",
            "is a PEM file OpenSSL cannot read (a damaged block, or a key type it does not "
            "support)",
        )
    except OSError as exc:
        return ("unreadable", f"cannot be read ({exc.strerror})")
    return None


_KEY_MISMATCH = ("mismatch", "holds a private key that does not belong to its certificate")
_WRONG_KEY_PASSWORD = (
    "wrong_password",
    "holds an encrypted private key that tlsCertificateKeyFilePassword does not decrypt",
)


def key_file_text_error(message: str, redacted_uri: str | None) -> ConnectionStringError | None:
    """pymongo's words for a ``tlsCertificateKeyFile`` it could not load, without the file.

    The TLS library's words after them tell a key of another certificate
    (``key values mismatch``) and, on pyOpenSSL, a wrong password (``bad
    decrypt``); the stdlib's ``[SSL] PEM lib`` tells nothing more.
    """
    if KEY_FILE_TEXT not in message:
        return None
    if re.search(r"KEY_VALUES_MISMATCH|key values mismatch", message, re.IGNORECASE):
        problem = _KEY_MISMATCH
    elif re.search(r"bad decrypt", message, re.IGNORECASE):
        problem = _WRONG_KEY_PASSWORD
    else:
        said = message.partition(KEY_FILE_TEXT)[2].lstrip(": ")
        problem = (
            "unknown",
            f"could not be loaded ({said or 'no detail'}): a wrong tlsCertificateKeyFilePassword, "
            "a file without its private key or certificate, and a key of another certificate "
            "all read so",
        )
    return key_file_error(problem, None, redacted_uri)


CLIENT_PEM = shell.Word("client.pem")
"""The file a fix's command names for a client certificate whose path no shell can take."""


def key_file_error(
    problem: _KeyFileProblem, option: Option | None, redacted_uri: str | None
) -> ConnectionStringError:
    """The explained error for a client certificate file pymongo could not load.

    Its commands name the file when :func:`atlasconnect._shell.path` can quote
    it for the shell, else ``client.pem``, which the text then stands for.
    """
    reason, detail = problem
    if option is None:
        file = CLIENT_PEM
        found = f"The client certificate file (tlsCertificateKeyFile) {detail}."
    else:
        file = shell.path(option.value) or CLIENT_PEM
        found = (
            f"The client certificate file given as tlsCertificateKeyFile in {option.place.phrase}, "
            f"{shell.prose(option.value)}, {detail}."
        )
    check_password = (
        shell.command("openssl pkey -in {file} -noout", file=file)
        + " asks for the key's password and says if it is right"
    )
    same_key = (
        shell.command("openssl x509 -in {file} -noout -pubkey", file=file)
        + " and "
        + shell.command("openssl pkey -in {file} -pubout", file=file)
        + " print the same public key when the certificate and key belong together"
    )
    fixes = {
        "missing": "give tlsCertificateKeyFile the path of the PEM file that holds the client "
        "certificate and its private key (a relative path is read from the program's working "
        "directory)",
        "not_pem": "convert it to one PEM file of the certificate and its key; from a PKCS#12 "
        "file (.p12, .pfx): `openssl pkcs12 -in client.p12 -out client.pem` (it asks for the "
        "file's password, then for one to encrypt the key with: give that one as "
        "tlsCertificateKeyFilePassword)",
        "no_key": _BOTH_IN_ONE_FILE,
        "no_certificate": _BOTH_IN_ONE_FILE,
        "mismatch": "put the private key made with this certificate in the file "
        f"tlsCertificateKeyFile names, or get the pair again; {same_key}",
        "damaged": "check the file tlsCertificateKeyFile names with "
        + shell.command("openssl x509 -in {file} -noout -subject", file=file)
        + " and "
        + shell.command("openssl pkey -in {file} -noout", file=file)
        + ", and export or download the certificate and key again",
        "unknown": "check the file tlsCertificateKeyFile names: it must hold the certificate and "
        "its private key, PEM (`cat client.crt client.key > client.pem` makes one); "
        f"{check_password}; {same_key}",
    }
    fixes["unreadable"] = fixes["missing"]
    if reason == "wrong_password":
        fix = (
            "pass the password the key was encrypted with: connect(uri, "
            "tlsCertificateKeyFilePassword=...), or percent-encoded in the connection string; "
            f"{check_password}."
        )
        cli_fix = f"{phrasing.uri_setting(_KEY_PASSWORD_SETTING, redacted_uri)}; {check_password}."
    else:
        fix = cli_fix = f"{fixes[reason]}."
    return ConnectionStringError(
        found, why=_KEY_FILE_WHY, fix=fix, cli_fix=cli_fix, redacted_uri=redacted_uri
    )
