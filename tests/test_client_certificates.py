"""Client certificates (tlsCertificateKeyFile): a file pymongo cannot load, a server refusing it.

pymongo reports every failure to load the file as "Private key doesn't match
certificate: [SSL] PEM lib" (a wrong password, a file without its key...), and a
server's refusal of the certificate as a closed connection or a TLS alert
("unknown ca", "certificate expired", "certificate required") that looked
like an unreachable server. Each is explained as what it is here: the files
are made by trustme, the servers are real TLS servers on loopback that check
client certificates (a TLSProxy with ``verify_mode=CERT_REQUIRED`` in front of
the test suite's MongoDB-wire server).
"""

from __future__ import annotations

import asyncio
import io
import json
import shlex
import traceback
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pymongo
import pytest
import trustme
from conftest import encrypted_client_key
from pymongo.errors import ConfigurationError
from servers import refused_port

import atlasconnect
from atlasconnect import ConnectionStringError
from atlasconnect import _cli as cli

KEY_PASSWORD = "Cl1ent-Key-Pa55"
WRONG_PASSWORD = "Wr0ng-Key-Pa55"


def shown(error: BaseException) -> str:
    """What may be printed of ``error``: text, repr, traceback, atlasconnect's frame locals."""
    trace = traceback.TracebackException.from_exception(error, capture_locals=True)
    own = [frame.locals for frame in trace.stack if "/atlasconnect/" in frame.filename]
    return "".join(traceback.format_exception(error)) + repr(error) + repr(own)


@pytest.fixture(scope="module")
def client_files(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Client certificate files, right and wrong, by name."""
    directory = tmp_path_factory.mktemp("client-files")
    one, other = ca.issue_cert("app-client"), ca.issue_cert("other-client")
    blobs = {
        "good": one.private_key_and_cert_chain_pem.bytes(),
        "mismatched": other.private_key_pem.bytes() + one.cert_chain_pems[0].bytes(),
        "certificate only": one.cert_chain_pems[0].bytes(),
        "key only": one.private_key_pem.bytes(),
        "not PEM": b"0\x82\x05\x8a\x02\x01\x030\x82\x05P\x06\t*\x86H\x86\xf7\r\x01\x07\x01",
        "damaged": one.private_key_pem.bytes()[:120] + b"\n" + one.cert_chain_pems[0].bytes(),
    }
    paths = {}
    for name, blob in blobs.items():
        path = directory / (name.replace(" ", "-") + ".pem")
        path.write_bytes(blob)
        paths[name] = str(path)
    paths["encrypted"] = encrypted_client_key(ca, directory, KEY_PASSWORD)
    paths["missing"] = str(directory / "no-such-file.pem")
    paths["directory"] = str(directory)
    return paths


def refused(call: Callable[[], object]) -> ConnectionStringError:
    with pytest.raises(ConnectionStringError) as info:
        call()
    error = info.value
    assert isinstance(error, ConfigurationError)  # what pymongo raised (its InvalidURI)
    assert "Private key doesn't match certificate" not in error.found  # pymongo's words, not
    for secret in (KEY_PASSWORD, WRONG_PASSWORD):
        assert secret not in shown(error)
    return error


# 1. A file pymongo cannot load: found before any connection, when the client is made.

CONSTRUCTION_CASES = {
    # file, password, found, the option the fix names, a command or step of the fix
    "a wrong password": (
        "encrypted",
        WRONG_PASSWORD,
        "tlsCertificateKeyFilePassword does not decrypt",
        "tlsCertificateKeyFilePassword",
        "openssl pkey -in",
    ),
    "a key of another certificate": (
        "mismatched",
        None,
        "private key that does not belong to its certificate",
        "tlsCertificateKeyFile",
        "-pubout",
    ),
    "no private key": (
        "certificate only",
        None,
        "a certificate but no private key",
        "tlsCertificateKeyFile",
        "cat client.crt client.key > client.pem",
    ),
    "no certificate": (
        "key only",
        None,
        "a private key but no certificate",
        "tlsCertificateKeyFile",
        "cat client.crt client.key > client.pem",
    ),
    "not PEM": (
        "not PEM",
        None,
        "no PEM certificate or private key",
        "tlsCertificateKeyFile",
        "pkcs12",
    ),
    "damaged": ("damaged", None, "OpenSSL cannot read", "tlsCertificateKeyFile", "openssl x509"),
    "missing": ("missing", None, "does not exist", "tlsCertificateKeyFile", "path"),
    "a directory": ("directory", None, "cannot be read", "tlsCertificateKeyFile", "path"),
}


@pytest.mark.parametrize(
    ("file", "password", "found", "option", "step"),
    list(CONSTRUCTION_CASES.values()),
    ids=list(CONSTRUCTION_CASES),
)
def test_a_file_pymongo_cannot_load_is_explained(
    client_files: dict[str, str],
    file: str,
    password: str | None,
    found: str,
    option: str,
    step: str,
) -> None:
    path = client_files[file]
    keywords: dict[str, Any] = {"tlsCertificateKeyFile": path}
    if password is not None:
        keywords["tlsCertificateKeyFilePassword"] = password
    uri = f"mongodb://127.0.0.1:{refused_port()}/?authMechanism=MONGODB-X509"
    error = refused(lambda: atlasconnect.connect(uri, connect=False, **keywords))
    assert found in error.found
    assert path in error.found
    assert option in error.fix
    assert step in error.fix
    assert error.redacted_uri == uri


def test_the_password_in_the_uri_stays_hidden(client_files: dict[str, str]) -> None:
    uri = (
        f"mongodb://127.0.0.1:{refused_port()}/?tlsCertificateKeyFile={client_files['encrypted']}"
        f"&tlsCertificateKeyFilePassword={WRONG_PASSWORD}"
    )
    error = refused(lambda: atlasconnect.connect(uri, connect=False))
    assert "does not decrypt" in error.found
    assert "tlsCertificateKeyFilePassword=****" in str(error.redacted_uri)
    # From the command line, the password is an option of the connection string.
    assert "tlsCertificateKeyFilePassword=" in error.cli_fix
    assert "connect(" not in error.cli_fix


def test_connect_async_explains_it_too(client_files: dict[str, str]) -> None:
    async def main() -> None:
        await atlasconnect.connect_async(
            f"mongodb://127.0.0.1:{refused_port()}/",
            tlsCertificateKeyFile=client_files["mismatched"],
            verify=True,
        )

    error = refused(lambda: asyncio.run(main()))
    assert "does not belong to its certificate" in error.found


def test_the_right_file_and_password_pass(client_files: dict[str, str]) -> None:
    good: list[dict[str, Any]] = [
        {"tlsCertificateKeyFile": client_files["good"]},
        {
            "tlsCertificateKeyFile": client_files["encrypted"],
            "tlsCertificateKeyFilePassword": KEY_PASSWORD,
        },
    ]
    for keywords in good:
        client = atlasconnect.connect(
            f"mongodb://127.0.0.1:{refused_port()}/", connect=False, **keywords
        )
        client.close()


def test_the_doctor_says_the_same_before_probing_any_host(client_files: dict[str, str]) -> None:
    uri = (
        f"mongodb://127.0.0.1:{refused_port()}/?tlsCertificateKeyFile="
        f"{client_files['encrypted']}&tlsCertificateKeyFilePassword={WRONG_PASSWORD}"
    )
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(["doctor", uri, "--json", "--timeout", "1"])
    document = json.loads(out.getvalue())
    assert code == atlasconnect.Family.CONFIGURATION.exit_status
    assert document["hosts"] == []
    assert "does not decrypt" in document["verdict"]["error"]["found"]
    assert WRONG_PASSWORD not in out.getvalue()


# pymongo's words, read without the file (a paste, a client made without atlasconnect):
# the stdlib backend's, then pyOpenSSL's (pymongo[ocsp]), as pymongo 4.13 to 4.20 word them.
PYMONGO_TEXTS = {
    "Private key doesn't match certificate: [X509: KEY_VALUES_MISMATCH] key values mismatch "
    "(_ssl.c:3926)": "does not belong to its certificate",
    "Private key doesn't match certificate: [('x509 certificate routines', '', 'key values "
    "mismatch')]": "does not belong to its certificate",
    "Private key doesn't match certificate: [('Provider routines', '', 'bad decrypt'), "
    "('PKCS12 routines', '', 'pkcs12 cipherfinal error'), ('SSL routines', '', 'PEM lib')]": (
        "does not decrypt"
    ),
    "Private key doesn't match certificate: [SSL] PEM lib (_ssl.c:3926)": "could not be loaded",
    "Private key doesn't match certificate: [('PEM routines', '', 'no start line'), "
    "('SSL routines', '', 'PEM lib')]": "could not be loaded",
}


@pytest.mark.parametrize(("text", "found"), list(PYMONGO_TEXTS.items()))
def test_explain_reads_pymongos_words(text: str, found: str) -> None:
    error = atlasconnect.explain(ConfigurationError(text))
    assert isinstance(error, ConnectionStringError)
    assert found in error.found
    assert "tlsCertificateKeyFile" in error.fix


def test_explain_of_this_pymongos_own_words(client_files: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError) as raised:
        pymongo.MongoClient(
            "mongodb://127.0.0.1:1/",
            tls=True,
            connect=False,
            tlsCertificateKeyFile=client_files["mismatched"],
        )
    error = atlasconnect.explain(raised.value)
    assert isinstance(error, ConnectionStringError)
    assert "does not belong to its certificate" in error.found


def test_the_fix_quotes_a_path_for_the_shell(ca: trustme.CA, tmp_path: Path) -> None:
    path = tmp_path / "my client's cert.pem"
    one, other = ca.issue_cert("a"), ca.issue_cert("b")
    path.write_bytes(other.private_key_pem.bytes() + one.cert_chain_pems[0].bytes())
    error = refused(
        lambda: atlasconnect.connect(
            "mongodb://127.0.0.1:1/", connect=False, tlsCertificateKeyFile=str(path)
        )
    )
    assert shlex.quote(str(path)) in error.fix
