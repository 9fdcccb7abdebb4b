"""Secrets never show: not in messages, logs, reprs, the doctor's output or frame locals.

What is secret and how it is hidden is written in ``docs/security.rst`` and in
the docstring of ``atlasconnect.connection_string``; these tests hold the code to it.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import pty
import select
import signal
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
import trustme
from conftest import encrypted_client_key
from hypothesis import given, settings
from hypothesis import strategies as st
from pymongo import monitoring
from servers import refused_port
from shown import atlasconnect_locals, shown

import atlasconnect
from atlasconnect import (
    AtlasConnectError,
    ConnectionStringError,
    MissingDependencyError,
    ServerUnreachableError,
)
from atlasconnect import _cli as cli

KEY_PASSWORD_HEAD = "Pa55"
KEY_PASSWORD_TAIL = "Str0ngTail9"
TOKEN = "FQoGZXIvYXdzEJr1K2JSESSIONTOKEN"
PASSWORD = "Sup3rS3cretPassw0rd"
SECRETS = (KEY_PASSWORD_HEAD, KEY_PASSWORD_TAIL, TOKEN, PASSWORD)
UNREACHABLE: dict[str, Any] = {"serverSelectionTimeoutMS": 300, "connectTimeoutMS": 300}


def assert_hidden(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def raised_by(call: Callable[[], object]) -> AtlasConnectError:
    with pytest.raises(AtlasConnectError) as info:
        call()
    return info.value


def doctor_json(uri: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        cli.main(["doctor", uri, "--json", "--timeout", "0.5"])
    return out.getvalue()


# An unescaped '&' in the key password splits it: the tail becomes an unknown "option".
SPLIT_KEY_PASSWORD = (
    f"mongodb://app:{PASSWORD}@db.example.test/"
    f"?tlsCertificateKeyFilePassword={KEY_PASSWORD_HEAD}&w0rd={KEY_PASSWORD_TAIL}"
)


def test_an_unknown_option_is_neither_named_nor_shown() -> None:
    error = raised_by(lambda: atlasconnect.connect(SPLIT_KEY_PASSWORD, connect=False))
    assert isinstance(error, ConnectionStringError)
    assert "w0rd" not in error.found
    assert "an option whose name it does not know" in error.found
    assert "%26" in error.found
    assert error.redacted_uri == (
        "mongodb://app:****@db.example.test/?tlsCertificateKeyFilePassword=****&****=****"
    )
    assert_hidden(shown(error))


def test_a_misspelt_secret_option_is_named_but_its_value_hidden() -> None:
    uri = f"mongodb://db.example.test/?tlsCertificateKeyFilePasword={KEY_PASSWORD_TAIL}"
    error = raised_by(lambda: atlasconnect.connect(uri, connect=False))
    assert "the option 'tlsCertificateKeyFilePasword'" in error.found
    assert "tlscertificatekeyfilepassword" in error.found  # pymongo's suggestion
    assert_hidden(shown(error))


def test_the_doctor_shows_no_unknown_option() -> None:
    output = doctor_json(SPLIT_KEY_PASSWORD)
    document = json.loads(output)
    options = document["layers"][1]["details"]["options"]
    assert options == {"tlsCertificateKeyFilePassword": "****", "****": "****"}
    assert "w0rd" not in output
    assert_hidden(output)


AWS_URI = (
    "mongodb://127.0.0.1:{port}/?authMechanism=MONGODB-AWS"
    f"&authMechanismProperties=AWS_SESSION_TOKEN:{TOKEN}"
)


@pytest.fixture
def aws_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An empty stand-in for pymongo_auth_aws, which MONGODB-AWS needs (``pymongo[aws]``):
    without it connect() refuses the mechanism before any network, where these tests go."""
    (tmp_path / "pymongo_auth_aws").mkdir()
    (tmp_path / "pymongo_auth_aws" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "pymongo_auth_aws", raising=False)


def test_a_session_token_in_the_uri_never_shows(aws_package: None) -> None:
    uri = AWS_URI.format(port=refused_port())
    error = raised_by(lambda: atlasconnect.connect(uri, verify=True, **UNREACHABLE))
    assert isinstance(error, ServerUnreachableError)
    assert "AWS_SESSION_TOKEN:****" in error.found
    assert_hidden(shown(error))
    assert_hidden(shown(raised_by(lambda: atlasconnect.connect(uri + "&bogus=1"))))
    assert_hidden(doctor_json(uri))


def test_a_session_token_never_shows_when_the_aws_package_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pymongo_auth_aws", None)
    uri = AWS_URI.format(port=refused_port())
    error = raised_by(lambda: atlasconnect.connect(uri, verify=True, **UNREACHABLE))
    assert isinstance(error, MissingDependencyError)
    assert_hidden(shown(error))
    assert_hidden(doctor_json(uri))


def test_a_session_token_keyword_never_shows(aws_package: None) -> None:
    def connect() -> object:
        return atlasconnect.connect(
            f"mongodb://127.0.0.1:{refused_port()}/",
            verify=True,
            authMechanism="MONGODB-AWS",
            authMechanismProperties={"AWS_SESSION_TOKEN": TOKEN},
            **UNREACHABLE,
        )

    assert_hidden(shown(raised_by(connect)))


def test_the_warning_log_shows_no_token(
    aws_package: None, caplog: pytest.LogCaptureFixture
) -> None:
    uri = AWS_URI.format(port=refused_port())
    client = atlasconnect.connect(uri, **UNREACHABLE)
    try:
        with caplog.at_level(logging.WARNING, logger="atlasconnect"):
            deadline = time.monotonic() + 5
            while not caplog.records and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        client.close()
    assert caplog.records, "no warning was logged"
    assert_hidden(caplog.text)
    assert "AWS_SESSION_TOKEN:****" in caplog.text


@pytest.mark.parametrize(
    "password", ["refused", "Connection", "localhost", "admin", "app", "127.0.0.1", "****"]
)
def test_a_password_that_is_a_word_of_the_message_changes_nothing(password: str) -> None:
    """The message for such a password is the message for any other: nothing to infer."""
    port = refused_port()

    def message(password: str) -> str:
        uri = f"mongodb://app:{quote_plus(password)}@127.0.0.1:{port}/?authSource=admin"
        return str(raised_by(lambda: atlasconnect.connect(uri, verify=True, **UNREACHABLE)))

    assert message(password) == message("Xq7-unrelated-Zt4")


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet="aZ09@:/?#%+ =&;,.!$'\"é", min_size=1, max_size=12))
def test_an_option_error_does_not_depend_on_the_password(password: str) -> None:
    def message(password: str) -> str:
        uri = f"mongodb://app:{quote_plus(password)}@db.example.test/?connectTimeoutMS=soon"
        return str(raised_by(lambda: atlasconnect.connect(uri, connect=False)))

    assert message(password) == message("Xq7-unrelated-Zt4")


@pytest.mark.parametrize(
    ("uri", "keywords"),
    [
        (SPLIT_KEY_PASSWORD, {}),
        (f"mongodb://app:{PASSWORD}@db.example.test/?connectTimeoutMS=soon", {}),
        (f"mongodb://app:{PASSWORD}@x@db.example.test/", {}),
        (f"https://app:{PASSWORD}@db.example.test/", {}),
        ("mongodb://db.example.test/?tlsInsecure=true", {"password": PASSWORD}),
        ("mongodb://db.example.test/", {"tlsCAFile": "/nonexistent.pem", "password": PASSWORD}),
        (AWS_URI.format(port=1) + "&tlsAllowInvalidHostnames=true", {}),
    ],
)
def test_no_frame_of_atlasconnect_holds_a_secret(uri: str, keywords: dict[str, Any]) -> None:
    """Sentry and ``pytest --showlocals`` print every local of every frame."""
    error = raised_by(lambda: atlasconnect.connect(uri, connect=False, **keywords))
    frames = atlasconnect_locals(error)
    assert frames, "the error is raised from atlasconnect's public function"
    assert_hidden(repr(frames))


def test_frames_of_a_failed_verification_hold_no_secret() -> None:
    uri = f"mongodb://app:{PASSWORD}@127.0.0.1:{refused_port()}/"
    error = raised_by(lambda: atlasconnect.connect(uri, verify=True, **UNREACHABLE))
    assert_hidden(shown(error))


def test_an_at_sign_in_an_option_value_is_not_a_credential() -> None:
    client = atlasconnect.connect("mongodb://db.example.test/?appName=me@laptop", connect=False)
    try:
        assert client.options.pool_options.metadata["application"]["name"] == "me@laptop"
    finally:
        client.close()


def test_an_at_sign_after_credentials_and_in_an_option_value() -> None:
    uri = f"mongodb://app:{PASSWORD}@db.example.test/?appName=me@laptop"
    client = atlasconnect.connect(uri, connect=False)
    client.close()
    error = raised_by(lambda: atlasconnect.connect(uri + "&bogus=1", connect=False))
    assert isinstance(error, ConnectionStringError)
    assert error.redacted_uri == "mongodb://app:****@db.example.test/?appName=me@laptop&****=****"


@pytest.mark.parametrize(
    ("password", "named"),
    [
        ("pa\tss", "control characters"),
        ("emoji\U0001f600x", "most emoji"),
        ("\u05d0abc1", "right-to-left letters"),
    ],
)
def test_a_password_saslprep_refuses_is_explained(password: str, named: str) -> None:
    uri = f"mongodb://app:{quote_plus(password)}@db.example.test/"
    error = raised_by(lambda: atlasconnect.connect(uri, connect=False))
    assert isinstance(error, ConnectionStringError)
    assert "SCRAM-SHA-256" in error.found
    assert named in error.found
    assert "Database Access" in error.fix
    assert password not in shown(error)
    keyword = raised_by(
        lambda: atlasconnect.connect("mongodb://db.example.test/", username="a", password=password)
    )
    assert named in keyword.found


def test_saslprep_is_not_asked_of_scram_sha_1() -> None:
    uri = f"mongodb://app:{quote_plus('pa' + chr(9) + 'ss')}@db.example.test/"
    atlasconnect.connect(uri + "?authMechanism=SCRAM-SHA-1", connect=False).close()


@pytest.mark.parametrize("host", ["cluster0..example.net", "a" * 64 + ".example.net"])
def test_a_bad_srv_host_is_refused_by_every_way_in(host: str) -> None:
    uri = f"mongodb+srv://app:{PASSWORD}@{host}/"
    for call in (
        lambda: atlasconnect.connect(uri, connect=False),
        lambda: asyncio.run(atlasconnect.connect_async(uri, verify=True)),
    ):
        error = raised_by(call)
        assert isinstance(error, ConnectionStringError)
        assert "is not a valid DNS name" in error.found
        assert_hidden(shown(error))


@pytest.fixture(scope="module")
def encrypted_key_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    return encrypted_client_key(ca, tmp_path_factory.mktemp("client"), KEY_PASSWORD_TAIL)


def test_an_encrypted_key_without_its_password_is_refused(encrypted_key_file: str) -> None:
    uri = f"mongodb://db.example.test/?tlsCertificateKeyFile={encrypted_key_file}"
    error = raised_by(lambda: atlasconnect.connect(uri, connect=False))
    assert isinstance(error, ConnectionStringError)
    assert "is encrypted" in error.found
    assert "tlsCertificateKeyFilePassword" in error.fix
    with_password = f"{uri}&tlsCertificateKeyFilePassword={KEY_PASSWORD_TAIL}"
    atlasconnect.connect(with_password, connect=False).close()


def test_an_encrypted_key_never_prompts_on_a_terminal(encrypted_key_file: str) -> None:
    """OpenSSL asks 'Enter PEM pass phrase:' on the controlling terminal and waits."""
    code = (
        "import atlasconnect\n"
        "try:\n"
        f"    atlasconnect.connect('mongodb://db.example.test/', connect=False,"
        f" tlsCertificateKeyFile={encrypted_key_file!r})\n"
        "except atlasconnect.ConnectionStringError:\n"
        "    print('REFUSED')\n"
    )
    pid, terminal = pty.fork()
    if pid == 0:  # the child, with the pseudo-terminal as its controlling terminal
        os.execv(sys.executable, [sys.executable, "-c", code])  # noqa: S606 (no shell wanted)
    output = b""
    deadline = time.monotonic() + 20
    try:
        while b"REFUSED" not in output and b"pass phrase" not in output:
            assert time.monotonic() < deadline, f"no answer, output so far: {output!r}"
            if select.select([terminal], [], [], 0.1)[0]:
                try:
                    output += os.read(terminal, 1024)
                except OSError:  # the child is gone and the terminal closed
                    break
    finally:
        os.kill(pid, signal.SIGKILL)  # a prompting child would wait for ever
        os.waitpid(pid, 0)
        os.close(terminal)
    assert b"pass phrase" not in output
    assert b"REFUSED" in output


class _Listener(monitoring.CommandListener):
    def started(self, event: monitoring.CommandStartedEvent) -> None: ...
    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...
    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


def test_a_single_event_listener_is_a_clear_error() -> None:
    listener = _Listener()
    error = raised_by(
        lambda: atlasconnect.connect("mongodb://db.example.test/", event_listeners=listener)
    )
    assert isinstance(error, ConnectionStringError)
    assert "event_listeners must be a list" in error.found
    assert "event_listeners=[listener]" in error.fix
    atlasconnect.connect(
        "mongodb://db.example.test/", connect=False, event_listeners=(listener,)
    ).close()


def test_secret_files_are_not_read_as_text(tmp_path: Path) -> None:
    """tlsCertificateKeyFile that cannot be read is pymongo's to report, without the password."""
    uri = f"mongodb://db.example.test/?tlsCertificateKeyFile={tmp_path / 'missing.pem'}"
    error = raised_by(
        lambda: atlasconnect.connect(uri, connect=False, tlsCertificateKeyFilePassword=PASSWORD)
    )
    assert_hidden(shown(error))


def test_an_insecure_option_before_an_at_sign_in_an_option_value_is_refused() -> None:
    """The query is read once: an '@' in appName must not hide tlsInsecure before it."""
    uri = "mongodb://db.example.test/?tlsInsecure=true&appName=me@laptop"
    error = raised_by(lambda: atlasconnect.connect(uri, connect=False))
    assert isinstance(error, atlasconnect.InsecureConfigurationError)
    assert error.setting == "tlsInsecure=true"


def test_no_frame_of_check_environment_holds_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    uri = f"mongodb://app:{PASSWORD}@x@db.example.test/"
    error = raised_by(lambda: atlasconnect.check_environment(uri))
    assert_hidden(repr(atlasconnect_locals(error)))
    monkeypatch.setenv("MONGODB_URI", uri)
    error = raised_by(atlasconnect.check_environment)
    assert_hidden(repr(atlasconnect_locals(error)))
