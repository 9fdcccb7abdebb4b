"""Property: connect() returns a client or an AtlasConnectError, and no secret leaks."""

from __future__ import annotations

import traceback
import warnings
from typing import Any
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import atlasconnect
from atlasconnect import AtlasConnectError

# Every character class that matters to a URI parser: delimiters, '%', '+', space, non-ASCII.
PASSWORD_ALPHABET = st.sampled_from(list("aZ09@:/?#[]%+ =&;,.!$'\"\\é"))
HOSTS = st.sampled_from(
    ["db.example.test", "db.example.test:27018", "a.example.test,b.example.test:1", "host:99999"]
)
TAILS = st.sampled_from(
    ["", "/", "/app", "/?retryWrites=true", "/app?authSource=admin", "/?bogus=1", "/?w=majority"]
)


@st.composite
def uris(draw: st.DrawFn) -> tuple[str, str]:
    """A URI with credentials, and the password it holds (as the user meant it)."""
    password = "Pw9" + draw(st.text(PASSWORD_ALPHABET, min_size=7, max_size=16))
    escaped = draw(st.booleans())
    written = quote_plus(password) if escaped else password
    scheme = draw(st.sampled_from(["mongodb://", "mongodb+srv://"]))
    host = "cluster0.example.test" if scheme == "mongodb+srv://" else draw(HOSTS)
    return f"{scheme}app:{written}@{host}{draw(TAILS)}", password


def leaks(password: str, text: str) -> bool:
    """Whether ``text`` shows the password, escaped or not, or any 8 characters of it."""
    forms = {password, quote_plus(password)}
    return any(form[i : i + 8] in text for form in forms for i in range(len(form) - 7))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uris())
def test_connect_returns_a_client_or_a_safe_error(case: tuple[str, str]) -> None:
    uri, password = case
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            client = atlasconnect.connect(uri, connect=False)
        except AtlasConnectError as error:
            printed = "".join(traceback.format_exception(error)) + repr(error)
            assert not leaks(password, printed)
        else:
            # A client must not have taken part of the password for a host or database.
            seen = repr(client) + str(client.topology_description)
            seen += client.get_default_database(default="-").name
            client.close()
            assert not leaks(password, seen)
    assert not any(leaks(password, str(w.message)) for w in caught)


SECRET_TEXT = st.text(PASSWORD_ALPHABET, min_size=6, max_size=12).map(lambda t: "Zq8" + t)
KNOWN_OPTIONS = st.sampled_from(
    ["appName=me@laptop", "retryWrites=true", "w=majority", "authSource=admin", "tls=true"]
)


@st.composite
def uris_with_secret_options(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[str]]:
    """A URI and keywords carrying secrets in options, and those secrets as written."""
    secrets: list[str] = []
    options = draw(st.lists(KNOWN_OPTIONS, max_size=2, unique=True))
    for kind in draw(st.lists(st.sampled_from(["key", "token", "unknown", "split"]), max_size=3)):
        secret = draw(SECRET_TEXT)
        secrets.append(secret)
        written = quote_plus(secret)
        options.append(
            {
                "key": f"tlsCertificateKeyFilePassword={written}",
                "token": f"authMechanismProperties=AWS_SESSION_TOKEN:{written}",
                "unknown": f"{draw(st.sampled_from(['bogus', 'tlsCertificateKeyFilePasword']))}"
                f"={written}",
                "split": f"tlsCertificateKeyFilePassword=Zq8a&{written}",
            }[kind]
        )
    keywords: dict[str, Any] = {}
    if draw(st.booleans()):
        secrets.append(draw(SECRET_TEXT))
        keywords["authMechanismProperties"] = {"AWS_SESSION_TOKEN": secrets[-1]}
    if draw(st.booleans()):
        secrets.append(draw(SECRET_TEXT))
        keywords["password"] = secrets[-1]
        keywords["username"] = "app"
    query = "&".join(options)
    return (
        f"mongodb://db.example.test/?{query}" if query else "mongodb://db.example.test/",
        (keywords),
        secrets,
    )


@pytest.mark.filterwarnings("ignore:Duplicate URI option")  # two generated secrets of a kind
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(uris_with_secret_options())
def test_secret_options_never_show(case: tuple[str, dict[str, Any], list[str]]) -> None:
    uri, keywords, secrets = case
    try:
        client = atlasconnect.connect(uri, connect=False, **keywords)
    except AtlasConnectError as error:
        frames = traceback.TracebackException.from_exception(error, capture_locals=True).stack
        ours = [frame.locals for frame in frames if "/atlasconnect/" in frame.filename]
        printed = "".join(traceback.format_exception(error)) + repr(error) + repr(ours)
        assert not any(leaks(secret, printed) for secret in secrets)
    else:
        client.close()
