"""Proxy options: pymongo has no proxy support and would connect directly, so they are refused.

The claim the error makes is tested here too, on pymongo itself: given
``proxyHost``, a plain ``MongoClient`` reaches the server without ever
opening a connection to the proxy.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymongo import MongoClient
from servers import MongoServer
from shown import shown

import atlasconnect
from atlasconnect import ConnectionStringError
from atlasconnect._pasted import explain_text

SECRET = "pr0xy-s3cret"


class ListeningProxy:
    """A socket that counts the connections made to it and answers none."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture
def proxy() -> Iterator[ListeningProxy]:
    listening = ListeningProxy()
    yield listening
    listening.sock.close()


def test_pymongo_ignores_the_proxy_and_connects_directly(
    mongo: MongoServer, ca_file: str, proxy: ListeningProxy
) -> None:
    """What the refusal says pymongo would do, shown on pymongo."""
    uri = mongo.uri(tls=True, tlsCAFile=ca_file, proxyHost="127.0.0.1", proxyPort=proxy.port)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client: MongoClient[Any] = MongoClient(uri)
    try:
        assert client.admin.command("ping")["ok"] == 1
    finally:
        client.close()
    assert any("Unknown option" in str(warning.message) for warning in caught)
    assert proxy.connections == 0


def test_atlasconnect_refuses_before_any_connection(
    mongo: MongoServer, ca_file: str, proxy: ListeningProxy
) -> None:
    uri = mongo.uri(
        tls=True,
        tlsCAFile=ca_file,
        proxyHost="127.0.0.1",
        proxyPort=proxy.port,
        proxyUsername="me",
        proxyPassword=SECRET,
    )
    with pytest.raises(ConnectionStringError) as info:
        atlasconnect.connect(uri, verify=True)
    error = info.value
    assert error.found.startswith(
        "A SOCKS5 proxy is set (proxyHost, proxyPort, proxyUsername, proxyPassword in the "
        "connection string), but pymongo does not support proxies."
    )
    assert "connects to the servers directly" in error.why
    assert SECRET not in shown(error)
    assert proxy.connections == 0


def connect_async(uri: str, **keywords: Any) -> Any:
    return asyncio.run(atlasconnect.connect_async(uri, **keywords))


@pytest.mark.parametrize(
    "entry", [atlasconnect.connect, atlasconnect.client_options, connect_async]
)
def test_every_entry_refuses_the_keywords(entry: Any) -> None:
    keywords = {"proxyHost": "127.0.0.1", "proxyPassword": SECRET}
    with pytest.raises(ConnectionStringError) as info:
        entry("mongodb://db.example.test/", **keywords)
    assert "(proxyHost, proxyPassword in the keywords)" in info.value.found
    assert SECRET not in shown(info.value)


@given(
    name=st.sampled_from(["proxyHost", "proxyPort", "proxyUsername", "proxyPassword"]).flatmap(
        lambda name: st.sampled_from([name, name.lower(), name.upper()])
    )
)
def test_any_spelling_is_refused(name: str) -> None:
    value = "1080" if name.lower() == "proxyport" else "x"
    with pytest.raises(ConnectionStringError, match="pymongo does not support proxies"):
        atlasconnect.connect(f"mongodb://db.example.test/?{name}={value}", connect=False)


@pytest.mark.parametrize(
    "text",
    [
        # pymongo 4.13's warning for a proxy option in a connection string, as printed.
        "/app/.venv/lib/python3.12/site-packages/pymongo/uri_parser_shared.py:398: "
        "UserWarning: Unknown option proxyHost",
        "pymongo.errors.ConfigurationError: Unknown option: proxyPort. Did you mean one of "
        "(port, ...) or maybe a camelCase version of one? Refer to docstring.",
    ],
)
def test_explain_reads_the_warning_of_an_ignored_proxy(text: str) -> None:
    error = explain_text(text)
    assert isinstance(error, ConnectionStringError)
    assert "pymongo does not support proxies" in error.found


def test_a_warning_of_another_unknown_option_shows_no_password_tail() -> None:
    """'&' unescaped in a password makes its tail an "option": still neither shown nor named."""
    assert explain_text("UserWarning: Unknown option Zq7wT3secret") is None
