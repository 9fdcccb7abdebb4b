"""Each environment problem, simulated through its stdlib flag, gives its typed error."""

from __future__ import annotations

import ssl
import subprocess
import sys
from pathlib import Path

import certifi
import pymongo
import pytest
from pymongo.errors import ConfigurationError, PyMongoError

import atlasconnect
from atlasconnect import (
    CABundleError,
    MissingDependencyError,
    SNIUnsupportedError,
    TLSVersionUnsupportedError,
    _pymongo_internals,
    check_environment,
)

SRV_URI = "mongodb+srv://app:pw@cluster0.example.test/"


def test_this_machine_is_fit() -> None:
    check_environment()
    check_environment("mongodb://localhost/", min_tls_version=ssl.TLSVersion.TLSv1_3)


def test_no_sni(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ssl, "HAS_SNI", False)
    with pytest.raises(SNIUnsupportedError) as info:
        check_environment()
    # PyMongoError, not ConfigurationError: its run-time form, SNIRefusedError, is not one.
    assert isinstance(info.value, PyMongoError)
    assert not isinstance(info.value, ConfigurationError)
    assert 'python -c "import ssl; print(ssl.HAS_SNI)"' in info.value.fix
    assert "macOS older than 10.13" in info.value.fix
    assert "no SNI name sent" in info.value.why


@pytest.mark.parametrize(
    ("floor", "missing"),
    [
        (ssl.TLSVersion.TLSv1_3, ["HAS_TLSv1_3"]),
        (ssl.TLSVersion.TLSv1_2, ["HAS_TLSv1_2", "HAS_TLSv1_3"]),
        (ssl.TLSVersion.TLSv1_1, ["HAS_TLSv1_1", "HAS_TLSv1_2", "HAS_TLSv1_3"]),
    ],
)
def test_no_tls_version_at_or_above_the_floor(
    monkeypatch: pytest.MonkeyPatch, floor: ssl.TLSVersion, missing: list[str]
) -> None:
    for flag in missing:
        monkeypatch.setattr(ssl, flag, False)
    with pytest.raises(TLSVersionUnsupportedError) as info:
        check_environment(min_tls_version=floor)
    error = info.value
    assert isinstance(error, PyMongoError)
    assert not isinstance(error, ConfigurationError)
    assert error.min_tls_version == floor
    assert all(version < floor for version in error.available)
    assert f"print(ssl.HAS_{floor.name})" in error.fix
    assert "python.org, Homebrew or MacPorts" in error.fix


def test_floor_passes_when_a_newer_version_is_available(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ssl, "HAS_TLSv1_2", False)
    check_environment(min_tls_version=ssl.TLSVersion.TLSv1_2)


def test_openssl_too_old(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ssl, "OPENSSL_VERSION_INFO", (0, 9, 8, 31, 15))
    monkeypatch.setattr(ssl, "OPENSSL_VERSION", "OpenSSL 0.9.8zh 3 Dec 2015")
    with pytest.raises(TLSVersionUnsupportedError) as info:
        check_environment()
    assert isinstance(info.value, PyMongoError)
    assert "OpenSSL 0.9.8zh" in info.value.found
    assert "`openssl version`" in info.value.fix


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "missing"),
        (b"", "empty"),
        (b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", "invalid"),
    ],
)
def test_broken_ca_file(tmp_path: Path, content: bytes | None, reason: str) -> None:
    path = tmp_path / "ca.pem"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CABundleError) as info:
        check_environment(f"mongodb://localhost/?tlsCAFile={path}")
    error = info.value
    assert isinstance(error, ConfigurationError)
    assert (error.path, error.reason) == (str(path), reason)
    assert "tlsCAFile" in error.fix


def test_unreadable_ca_file(tmp_path: Path) -> None:
    with pytest.raises(CABundleError) as info:
        check_environment(f"mongodb://localhost/?tlsCAFile={tmp_path}")
    assert info.value.reason == "unreadable"


def test_broken_certifi_bundle_names_the_reinstall(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "cacert.pem"
    empty.write_bytes(b"")
    monkeypatch.setattr(certifi, "where", lambda: str(empty))
    with pytest.raises(CABundleError) as info:
        check_environment()
    assert "certifi's CA bundle" in info.value.found
    assert "pip install --force-reinstall certifi" in info.value.fix


def test_pymongo_too_old(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pymongo, "version_tuple", (4, 12, 1))
    monkeypatch.setattr(pymongo, "__version__", "4.12.1")
    with pytest.raises(MissingDependencyError) as info:
        check_environment()
    assert (info.value.package, info.value.installed_version) == ("pymongo", "4.12.1")
    assert "pymongo>=4.13" in info.value.fix


def test_dnspython_missing_only_matters_for_srv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "dns", None)
    monkeypatch.setitem(sys.modules, "dns.resolver", None)
    check_environment("mongodb://localhost/")
    with pytest.raises(MissingDependencyError) as info:
        check_environment(SRV_URI)
    assert isinstance(info.value, ConfigurationError)
    assert info.value.package == "dnspython"
    assert "pip install dnspython" in info.value.fix


def test_connect_runs_the_checks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A CA file no other test uses, so no passing result is cached for it yet.
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(Path(certifi.where()).read_bytes())
    monkeypatch.setattr(ssl, "HAS_SNI", False)
    with pytest.raises(SNIUnsupportedError):
        atlasconnect.connect("mongodb://localhost/", connect=False, tlsCAFile=str(ca_file))
    monkeypatch.setattr(ssl, "HAS_SNI", True)
    atlasconnect.connect("mongodb://localhost/", connect=False, tlsCAFile=str(ca_file)).close()


def test_check_environment_checks_again(monkeypatch: pytest.MonkeyPatch) -> None:
    check_environment()
    monkeypatch.setattr(ssl, "HAS_SNI", False)
    with pytest.raises(SNIUnsupportedError):
        check_environment()


def test_import_works_without_dnspython() -> None:
    code = "import sys; sys.modules['dns'] = None; import atlasconnect; print('ok')"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


BROKEN_CERTIFI = """
import sys
import certifi
certifi.where = lambda: sys.argv[1]
from atlasconnect import _cli as cli
sys.exit(cli.main(sys.argv[2:]))
"""


@pytest.mark.parametrize(
    ("bundle", "command"),
    [
        (b"", []),
        (b"", ["doctor", "mongodb://localhost/"]),
        (None, []),
        (b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", []),
    ],
    ids=["empty-report", "empty-doctor", "missing-report", "invalid-report"],
)
def test_broken_certifi_bundle_exits_10_without_a_traceback(
    tmp_path: Path, bundle: bytes | None, command: list[str]
) -> None:
    path = tmp_path / "cacert.pem"
    if bundle is not None:
        path.write_bytes(bundle)
    result = subprocess.run(
        [sys.executable, "-c", BROKEN_CERTIFI, str(path), *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 10, result.stderr
    assert "Traceback" not in result.stderr
    assert "CABundleError" in result.stdout + result.stderr
    assert "pip install --force-reinstall certifi" in result.stdout + result.stderr


def test_broken_certifi_bundle_in_connect(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ca_file: str
) -> None:
    empty = tmp_path / "cacert.pem"
    empty.write_bytes(b"")
    monkeypatch.setattr(certifi, "where", lambda: str(empty))
    # A process whose floor hook has not been proven yet: the proof must not need certifi.
    monkeypatch.setattr(_pymongo_internals, "_installed_hook", None)
    atlasconnect.connect("mongodb://localhost/", connect=False, tlsCAFile=ca_file).close()
    with pytest.raises(CABundleError) as info:
        atlasconnect.connect("mongodb://localhost/", connect=False)
    assert (info.value.path, info.value.reason) == (str(empty), "empty")
