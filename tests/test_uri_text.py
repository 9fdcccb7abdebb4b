"""What surrounds a pasted connection string is removed; what hides inside it is refused."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymongo.errors import InvalidURI
from shown import shown

import atlasconnect
from atlasconnect import ConnectionStringError
from atlasconnect import _cli as cli
from atlasconnect import _uri_text as uri_text
from atlasconnect._pasted import explain_text

SECRET = "hunter22Secret"
URI = f"mongodb+srv://app:{SECRET}@cluster0.example.test/shop?retryWrites=true&w=majority"


def refused(uri: str, **keywords: Any) -> ConnectionStringError:
    with pytest.raises(ConnectionStringError) as info:
        atlasconnect.connect(uri, connect=False, **keywords)
    error = info.value
    assert isinstance(error, InvalidURI)
    assert SECRET not in shown(error)
    return error


@pytest.mark.parametrize(
    "pasted",
    [
        URI + "\n",
        URI + "\r\n",
        "  " + URI + " \t",
        "\ufeff" + URI,
        "\u200b" + URI + "\u200b",
        f'"{URI}"',
        f"'{URI}'\n",
        f' " {URI}\n" ',
        f"`{URI}`",
        f"\u201c{URI}\u201d",
    ],
    ids=repr,
)
def test_what_surrounds_the_string_is_removed(pasted: str) -> None:
    assert uri_text.strip_surroundings(pasted) == URI
    client = atlasconnect.connect(pasted, connect=False)
    try:
        # The write concern is 'majority', not 'majority' with a line break or a quote.
        assert client.write_concern.document == {"w": "majority"}
    finally:
        client.close()
    uri, _ = atlasconnect.client_options(pasted)
    assert uri == URI


@pytest.mark.parametrize(
    ("uri", "named", "place"),
    [
        (URI.replace("&w=", "&\nw="), "a line break (U+000A)", "in the options"),
        (URI.replace("majority", "major\rity"), "a line break (U+000D)", "value of the option w"),
        (URI.replace("shop", "sh op"), "a space (U+0020)", "in the database name"),
        (URI.replace("cluster0", "cluster0\t"), "a tab (U+0009)", "in the host list"),
        (URI.replace(SECRET, SECRET + " x"), "a space (U+0020)", "user name or password"),
        (URI.replace(SECRET, "\u00a0" + SECRET), "a non-breaking space", "user name or password"),
        (URI.replace("cluster0", "clus\ufeffter0"), "a byte-order mark (U+FEFF)", "host list"),
        (URI.replace("?", "\u200b?"), "a zero-width space (U+200B)", "database name"),
        (URI.replace("shop", "sh\x00op"), "a control character", "database name"),
        (URI.replace("shop", "sh\u202eop"), "right-to-left override (U+202E)", "database name"),
    ],
    ids=[
        "newline-option",
        "cr-value",
        "space-db",
        "tab-host",
        "space-password",
        "nbsp-password",
        "bom-host",
        "zwsp",
        "nul",
        "rlo",
    ],
)
def test_what_hides_inside_is_refused_by_name_and_place(uri: str, named: str, place: str) -> None:
    error = refused(uri)
    assert named in error.found
    assert place in error.found
    assert "remove it" in error.fix


def test_a_line_break_inside_says_where_it_comes_from() -> None:
    error = refused(URI.replace("&w=", "\n&w="))
    assert "echo -n" in error.fix
    assert f"character {URI.index('&w=') + 1} of {len(URI) + 1}" in error.found


@pytest.mark.parametrize(
    ("value", "state"), [("", "is set but blank"), ("\n", "is set but blank"), ('""', "blank")]
)
def test_a_blank_mongodb_uri_is_named_as_blank(
    value: str, state: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_URI", value)
    error = refused(None)  # type: ignore[arg-type]
    assert state in error.found


def test_an_unset_mongodb_uri_is_named_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    assert "is not set" in refused(None).found  # type: ignore[arg-type]


def test_the_doctor_treats_a_blank_mongodb_uri_as_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MONGODB_URI", " \n")
    assert cli.main(["doctor", "--json"]) == cli.EXIT_NOTHING_CHECKED
    json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("pasted", "found", "fix"),
    [
        (f"MONGODB_URI={URI}", "starts with MONGODB_URI=", "what follows MONGODB_URI="),
        (f"export MONGO_URL={URI}", "not shown", "copy the connection string"),
        (URI.replace("mongodb+srv", "MongoDB+SRV"), "lower case", "mongodb+srv://"),
        (URI.replace("mongodb+srv://", "mongodb+srv:/"), "two slashes", "mongodb+srv://"),
        (URI.replace("mongodb+srv", "https"), "starts with https://", "mongodb+srv://"),
        ("<connection string>", "placeholder <connection string>", "copy the connection"),
        (f'"{URI}', 'starts with a quote (")', "remove the quote"),
        (f"{URI}'", "ends with a quote (')", "remove the quote"),
        (SECRET + "!", "not shown", "copy the connection string"),
        ("", "is empty", "copy the connection string"),
    ],
)
def test_a_string_that_is_not_a_connection_string_is_named(
    pasted: str, found: str, fix: str
) -> None:
    error = refused(pasted)
    assert found in error.found
    assert fix in error.fix


def test_a_host_name_alone_is_named_by_the_doctor(capsys: pytest.CaptureFixture[str]) -> None:
    """connect() takes host names as pymongo's host= does; the doctor wants a connection string."""
    code = cli.main(["doctor", "--json", "cluster0.abcde.mongodb.net"])
    error = json.loads(capsys.readouterr().out)["verdict"]["error"]
    assert code == 11
    assert "a host name alone (cluster0.abcde.mongodb.net)" in error["found"]
    assert "mongodb+srv://USER:PASSWORD@cluster0.abcde.mongodb.net/" in error["fix"]


@pytest.mark.parametrize(
    ("userinfo", "named"),
    [
        (
            "<db_username>:<db_password>",
            "user name in the connection string is Atlas's placeholder <db_username>",
        ),
        (
            "app:<db_password>",
            "password in the connection string is Atlas's placeholder <db_password>",
        ),
        ("app:<password>", "placeholder <password>"),
        ("app:%3Cdb_password%3E", "placeholder <db_password>"),
        ("<username>:pw", "placeholder <username>"),
        (f"app:<{SECRET}>", "wrapped in angle brackets"),
    ],
)
def test_atlas_placeholders_left_in_the_string_are_named(userinfo: str, named: str) -> None:
    error = refused(f"mongodb+srv://{userinfo}@cluster0.example.test/")
    assert named in error.found
    assert "bad auth" in error.why


def test_the_same_rule_holds_for_connect_async_and_host_lists() -> None:
    async def build() -> None:
        await atlasconnect.connect_async(URI.replace("shop", "sh op"))

    with pytest.raises(ConnectionStringError, match="a space"):
        asyncio.run(build())
    client = atlasconnect.connect(host=["db1.example.test\n", " db2.example.test"], connect=False)
    try:
        assert client.topology_description.server_descriptions().keys() == {
            ("db1.example.test", 27017),
            ("db2.example.test", 27017),
        }
    finally:
        client.close()
    refused(None, host=["db1.example.test", "db2 .example.test"])  # type: ignore[arg-type]


def test_explain_redacts_a_string_with_a_hidden_character() -> None:
    hidden = URI.replace("shop", "sh\ufeffop")
    error = explain_text(
        "pymongo.errors.ServerSelectionTimeoutError: cluster0.example.test:27017: "
        f"[Errno 111] Connection refused (connecting to {hidden})"
    )
    assert error is not None
    assert SECRET not in str(error)


INVISIBLE = st.sampled_from(["\n", "\r", "\t", " ", "\u00a0", "\ufeff", "\u200b", "\x00", "\x7f"])


@settings(max_examples=200, deadline=None)
@given(position=st.integers(0, len(URI) - 1), character=INVISIBLE)
def test_any_hidden_character_inside_is_refused_without_a_secret(
    position: int, character: str
) -> None:
    uri = URI[:position] + character + URI[position:]
    if uri_text.strip_surroundings(uri) != uri:  # at the very start: it surrounds
        return
    error = refused(uri)
    assert uri_text.describe(character) in error.found


@settings(max_examples=100, deadline=None)
@given(
    before=st.text(st.sampled_from(" \t\r\n\ufeff\u200b\u00a0"), max_size=4),
    after=st.text(st.sampled_from(" \t\r\n\ufeff\u200b\u00a0"), max_size=4),
    quote=st.sampled_from(["", '"', "'"]),
)
def test_any_surroundings_leave_the_same_string(before: str, after: str, quote: str) -> None:
    pasted = f"{before}{quote}{before}{URI}{after}{quote}{after}"
    assert uri_text.strip_surroundings(pasted) == URI


BAD_AUTH = (
    "pymongo.errors.OperationFailure: bad auth : authentication failed, full error: "
    "{'ok': 0, 'errmsg': 'bad auth : authentication failed', 'code': 8000}"
)


@pytest.mark.parametrize(
    ("password", "named"),
    [("<db_password>", "placeholder <db_password>"), (f"<{SECRET}>", "angle brackets")],
)
def test_explain_names_a_placeholder_before_the_login_failure(password: str, named: str) -> None:
    pasted = (
        f'{BAD_AUTH}\nclient = MongoClient("mongodb+srv://app:{password}@cluster0.example.test/")'
    )
    error = explain_text(pasted)
    assert isinstance(error, ConnectionStringError)
    assert named in error.found
    assert SECRET not in shown(error)


def test_the_doctor_names_a_placeholder(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["doctor", "--json", "mongodb+srv://app:<db_password>@cluster0.example.test/"])
    error = json.loads(capsys.readouterr().out)["verdict"]["error"]
    assert code == 11
    assert "placeholder <db_password>" in error["found"]
