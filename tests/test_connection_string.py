"""Missing and malformed connection strings: typed, explained, and never showing a secret."""

from __future__ import annotations

import traceback
from typing import Any

import pytest
from pymongo.errors import ConfigurationError, InvalidURI

import atlasconnect
from atlasconnect import ConnectionStringError

SECRET = "Sup3rS3cretPassw0rd"


def printed(error: BaseException) -> str:
    """The traceback a user would paste into an issue, chained exceptions included."""
    return "".join(traceback.format_exception(error))


def assert_refused(uri: str, **keywords: Any) -> ConnectionStringError:
    with pytest.raises(ConnectionStringError) as info:
        atlasconnect.connect(uri, connect=False, **keywords)
    error = info.value
    assert isinstance(error, InvalidURI)
    assert isinstance(error, ConfigurationError)
    assert isinstance(error, ValueError)
    assert SECRET not in printed(error)
    assert SECRET not in repr(error)
    assert error.__cause__ is None
    assert error.__context__ is None
    return error


def test_no_uri_and_no_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    error = assert_refused(None)  # type: ignore[arg-type]
    assert "MONGODB_URI" in error.found
    assert "Database > Connect" in error.fix
    assert error.redacted_uri is None


def test_uri_from_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URI", "mongodb://app:pw@db.example.test:27017/")
    client = atlasconnect.connect(connect=False)
    assert client.topology_description.server_descriptions().keys() == {("db.example.test", 27017)}
    client.close()


def test_wrong_scheme() -> None:
    error = assert_refused(f"https://app:{SECRET}@cluster0.example.net/")
    assert "mongodb+srv://" in error.fix


@pytest.mark.parametrize(
    "uri",
    [
        "None",  # f"{uri}" with uri = os.getenv("...") unset
        f"mongodb+srv://app:{SECRET}@None/",  # f"...@{host}/" with host unset
        f"mongodb+srv://app:{SECRET}@none/?retryWrites=true",
    ],
)
def test_an_unset_variable_formatted_into_the_uri_is_named(uri: str) -> None:
    error = assert_refused(uri)
    assert "None" in error.found
    assert "unset environment variable" in error.why
    assert "os.environ" in error.fix
    assert "is set where the program runs" in error.fix


@pytest.mark.parametrize(
    ("uri", "characters"),
    [
        # pymongo would accept this one, with the secret as the database name.
        (f"mongodb://bob:27017/{SECRET}@x@host/", "'@', '/'"),
        (f"mongodb://bob:{SECRET}@x@host/", "'@'"),
        (f"mongodb://bob:{SECRET}/x@host/", "'/'"),
        (f"mongodb://bob:{SECRET}:x@host/", "':'"),
        (f"mongodb://bob:{SECRET}?x@host/", "'?'"),
        (f"mongodb://bob:{SECRET}%zz@host/", "'%'"),
        (f"mongodb+srv://bob:{SECRET}@x@cluster0.example.net/", "'@'"),
    ],
)
def test_unescaped_credentials_refused_before_pymongo(uri: str, characters: str) -> None:
    error = assert_refused(uri)
    assert f"contains unescaped {characters}" in error.found
    assert "urllib.parse.quote_plus" in error.fix
    assert error.redacted_uri is not None
    assert error.redacted_uri.startswith(("mongodb://bob:****@", "mongodb+srv://bob:****@"))


@pytest.mark.parametrize(
    ("uri", "pymongo_text"),
    [
        (f"mongodb://app:{SECRET}@host:99999/", "Port must be an integer"),
        (f"mongodb://app:{SECRET}@host:12ab/", "Port contains non-digit characters"),
        (f"mongodb://app:{SECRET}@host/?notAnOption=1", "Unknown option"),
        (f"mongodb://app:{SECRET}@host/?connectTimeoutMS=soon", "connecttimeoutms must be"),
        (f"mongodb://app:{SECRET}@host/?tls=true&ssl=false", "conflicting values"),
        (f"mongodb://app:{SECRET}@host/?tlsCAFile", "key=value pairs"),
        (f"mongodb+srv://app:{SECRET}@cluster0.example.net:27017/", "port number"),
        (f'mongodb://app:{SECRET}@host/bad"db', "Bad database name"),
    ],
)
def test_pymongo_complaints_are_typed_and_redacted(uri: str, pymongo_text: str) -> None:
    error = assert_refused(uri)
    assert pymongo_text in error.found
    assert "connection-string-options" in error.fix
    assert error.redacted_uri is not None
    assert "app:****@" in error.redacted_uri


def test_the_refused_option_is_named() -> None:
    error = assert_refused(f"mongodb://app:{SECRET}@host/?appName=x&retryWrite=true")
    assert "pymongo refused the option 'retryWrite': Unknown option" in error.found


def test_bad_keyword_is_typed_and_redacted() -> None:
    error = assert_refused("mongodb://db.example.test/", password=SECRET, notAnOption=1)
    assert "Unknown option" in error.found


def test_unreadable_key_file_keyword_is_typed() -> None:
    error = assert_refused(
        "mongodb://db.example.test/",
        tlsCertificateKeyFile="/nonexistent/client.pem",
        tlsCertificateKeyFilePassword=SECRET,
    )
    assert "/nonexistent/client.pem, does not exist" in error.found


def test_event_listeners_keyword_may_be_none() -> None:
    atlasconnect.connect("mongodb://db.example.test/", connect=False, event_listeners=None).close()


def test_key_file_password_is_redacted() -> None:
    uri = f"mongodb://db.example.test/?tlsCertificateKeyFilePassword={SECRET}"
    error = assert_refused(uri + "&bogus=1")
    assert error.redacted_uri is not None
    assert "tlsCertificateKeyFilePassword=****" in error.redacted_uri


def test_client_repr_holds_no_secret() -> None:
    client = atlasconnect.connect(f"mongodb://app:{SECRET}@db.example.test/", connect=False)
    assert SECRET not in repr(client)
    client.close()
