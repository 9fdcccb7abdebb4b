"""Fixes phrased for where the reader is, and a refused login that says who it was.

A program's author reads ``fix`` (settings as ``connect()`` keywords); someone at
the command line reads ``cli_fix`` (settings as options of the connection
string, with ``?`` or ``&`` as that string needs), which the commands print.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from conftest import PASSWORD, USERNAME
from hypothesis import given
from hypothesis import strategies as st
from pymongo.errors import OperationFailure, PyMongoError
from pymongo.uri_parser import parse_uri
from servers import MongoServer

import atlasconnect
from atlasconnect import (
    AtlasConnectError,
    AuthenticationError,
    CABundleError,
    CertificateVerificationError,
    InsecureConfigurationError,
)
from atlasconnect import _cli as cli
from atlasconnect import _doctor as doctor_module
from atlasconnect import _phrasing as phrasing
from atlasconnect._doctor_layers import LayerName
from atlasconnect._exceptions import fix_for
from atlasconnect._pasted import explain_text

SHORT: dict[str, Any] = {"serverSelectionTimeoutMS": 2000, "connectTimeoutMS": 2000}
UNTRUSTED_TEXT = (
    "pymongo.errors.ServerSelectionTimeoutError: db0.example.net:27017: [SSL: "
    "CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer "
    "certificate (_ssl.c:1006), Timeout: 30s, Topology Description: <>"
)


def raised(uri: str, **keywords: Any) -> AtlasConnectError:
    with pytest.raises(AtlasConnectError) as info:
        atlasconnect.connect(uri, verify=True, **SHORT, **keywords)
    return info.value


def printed(error: BaseException) -> str:
    """Everything a traceback of ``error`` shows, which must never hold the password."""
    text = "".join(traceback.format_exception(error))
    assert PASSWORD not in text
    assert quote_plus(PASSWORD) not in text
    return text


# Where the query of a connection string starts: the suffix the CLI phrasing gives.

HOSTS = st.sampled_from(["db0.example.net", "db0.example.net:27018,db1.example.net:27018"])
PATHS = st.sampled_from(["", "/", "/app"])
QUERIES = st.sampled_from(["", "?", "?w=majority", "?retryWrites=true&w=1"])


VALUES = st.from_regex(r"[A-Za-z0-9._-]{1,20}", fullmatch=True)


@given(hosts=HOSTS, path=PATHS, query=QUERIES, value=VALUES)
def test_the_cli_suffix_makes_a_uri_pymongo_reads(
    hosts: str, path: str, query: str, value: str
) -> None:
    uri = f"mongodb://{hosts}{path}{query}"
    suffix = phrasing.uri_suffix({"appName": value}, uri)
    result = parse_uri(uri + suffix)
    assert result["options"]["appname"] == value
    before = parse_uri(uri)["options"]
    assert {k: result["options"][k] for k in before} == dict(before)
    assert f"append {suffix} to the connection string" == phrasing.uri_setting(
        {"appName": value}, uri
    )


def test_an_option_the_uri_has_is_changed_not_added_twice() -> None:
    phrase = phrasing.uri_setting(
        {"tlsCAFile": "ca-bundle.pem"}, "mongodb://h/?TLSCAFile=/etc/corp.pem&w=1"
    )
    assert "append" not in phrase
    assert "tlsCAFile=ca-bundle.pem" in phrase
    assert "in place of its tlsCAFile=" in phrase


def test_without_the_uri_the_phrase_says_how_to_join_the_query() -> None:
    phrase = phrasing.uri_setting({"tlsCAFile": "ca-bundle.pem"}, phrasing.UNKNOWN_URI)
    # Each form, for each URI shape, whole: '&' joins a query, '?' starts one after '/'.
    assert "append &tlsCAFile=ca-bundle.pem to the connection string if it has a '?'" in phrase
    assert "/?tlsCAFile=ca-bundle.pem after its hosts" in phrase
    assert "(?tlsCAFile=ca-bundle.pem if it ends with '/')" in phrase


# Certificate fixes: both phrasings, from connect(), the doctor and explain.


def test_untrusted_certificate_fix_for_each_audience(
    mongo: MongoServer, other_ca_file: str
) -> None:
    uri = mongo.uri()  # mongodb://...:port/?authSource=admin: a query to join with '&'
    error = raised(uri, tlsCAFile=other_ca_file)
    assert isinstance(error, CertificateVerificationError)
    python_phrases = (
        "pass connect(uri, tlsCAFile='ca-bundle.pem')",
        "pass connect(uri, system_ca=True) (or set ATLASCONNECT_SYSTEM_CA=1)",
    )
    cli_phrases = (
        "append &tlsCAFile=ca-bundle.pem to the connection string",
        "set ATLASCONNECT_SYSTEM_CA=1 for the application (`atlasconnect doctor --system-ca` "
        "checks it)",
    )
    python_fix = fix_for(error, "python")
    cli_fix = fix_for(error, "cli")
    assert all(phrase in python_fix for phrase in python_phrases)
    assert all(phrase in cli_fix for phrase in cli_phrases)
    assert "connect(" not in cli_fix
    # Everything else is the same advice.
    for python_phrase, cli_phrase in zip(python_phrases, cli_phrases, strict=True):
        python_fix = python_fix.replace(python_phrase, "")
        cli_fix = cli_fix.replace(cli_phrase, "")
    assert cli_fix == python_fix
    assert str(error).endswith(error.fix)


def test_untrusted_certificate_when_the_uri_names_a_ca_file(
    mongo: MongoServer, other_ca_file: str
) -> None:
    error = raised(mongo.uri(tlsCAFile=other_ca_file))
    assert isinstance(error, CertificateVerificationError)
    assert "set tlsCAFile=ca-bundle.pem in the connection string, in place of its tlsCAFile=" in (
        error.cli_fix
    )


def test_the_doctor_prints_the_cli_phrasing(
    mongo: MongoServer, other_ca_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = mongo.uri(tlsCAFile=other_ca_file)
    assert cli.main(["doctor", uri, "--timeout", "2"]) == 14
    text = capsys.readouterr().out
    assert "connect(uri" not in text
    assert "set tlsCAFile=ca-bundle.pem in the connection string" in text
    assert cli.main(["doctor", uri, "--timeout", "2", "--json"]) == 14
    fix = json.loads(capsys.readouterr().out)["verdict"]["error"]["fix"]
    assert "connect(uri" not in fix
    assert "set tlsCAFile=ca-bundle.pem in the connection string" in fix


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_explain_prints_the_cli_phrasing(as_json: bool, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["explain", UNTRUSTED_TEXT, *(["--json"] if as_json else [])]) == 14
    out = capsys.readouterr().out
    fix = json.loads(out)["error"]["fix"] if as_json else " ".join(out.split())  # unwrapped
    assert "connect(uri" not in fix
    assert "append &tlsCAFile=ca-bundle.pem to the connection string if it has a '?'" in fix


# The TLS policy's own refusals.


def test_insecure_uri_option_cli_fix_names_the_uri_option(mongo: MongoServer) -> None:
    error = raised(mongo.uri(tlsInsecure=True))
    assert isinstance(error, InsecureConfigurationError)
    assert "connect(uri, tlsCAFile='/path/to/ca.pem')" in error.fix
    assert "put tlsCAFile=/path/to/ca.pem in its place" in error.cli_fix
    assert "connect(" not in error.cli_fix


def test_insecure_keyword_has_only_the_python_phrasing(mongo: MongoServer) -> None:
    error = raised(mongo.uri(), tlsInsecure=True)
    assert isinstance(error, InsecureConfigurationError)
    assert error.cli_fix == error.fix


def test_missing_ca_file_in_the_uri(mongo: MongoServer, tmp_path: Any) -> None:
    error = raised(mongo.uri(tlsCAFile=str(tmp_path / "missing.pem")))
    assert isinstance(error, CABundleError)
    assert "pass tlsCAFile" in error.fix
    assert "tlsCAFile= in the connection string" in error.cli_fix


# A refused login says who tried: user, authSource, mechanism; never the password.


def test_wrong_password_names_the_user_and_auth_source(mongo: MongoServer, ca_file: str) -> None:
    uri = mongo.uri().replace(quote_plus(PASSWORD), quote_plus(PASSWORD + "x"))
    error = raised(uri, tlsCAFile=ca_file)
    assert isinstance(error, AuthenticationError)
    assert f"user {USERNAME!r} with authSource 'admin'" in error.found
    assert "authMechanism" not in error.found  # none was set
    assert f"the user {USERNAME!r}" in error.fix
    assert PASSWORD + "x" not in printed(error)


def test_wrong_auth_source_says_atlas_users_live_in_admin(mongo: MongoServer, ca_file: str) -> None:
    error = raised(mongo.uri().replace("authSource=admin", "authSource=nope"), tlsCAFile=ca_file)
    assert isinstance(error, AuthenticationError)
    assert "authSource 'nope'" in error.found
    assert "authSource is 'nope'" in error.fix
    assert "authSource=admin" in error.fix
    printed(error)


def test_atlas_s_placeholder_database_as_auth_source_is_named(
    mongo: MongoServer, ca_file: str
) -> None:
    """Atlas's older strings ended in /myFirstDatabase: without authSource, the login's."""
    uri = mongo.uri().replace("/?authSource=admin", "/myFirstDatabase?retryWrites=true")
    error = raised(uri, tlsCAFile=ca_file)
    assert isinstance(error, AuthenticationError)
    assert "authSource 'myFirstDatabase'" in error.found
    assert "placeholder database" in error.fix
    assert "replace /myFirstDatabase" in error.fix
    printed(error)


def test_a_mechanism_that_was_set_is_named(mongo: MongoServer, ca_file: str) -> None:
    uri = mongo.uri(authMechanism="SCRAM-SHA-256")
    error = raised(uri.replace(quote_plus(PASSWORD), "wrong"), tlsCAFile=ca_file)
    assert isinstance(error, AuthenticationError)
    assert "and authMechanism SCRAM-SHA-256" in error.found
    printed(error)


def test_the_doctor_says_which_login_failed(
    mongo: MongoServer, ca_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    uri = mongo.uri(tlsCAFile=ca_file).replace(quote_plus(PASSWORD), quote_plus(PASSWORD + "x"))
    assert cli.main(["doctor", uri, "--timeout", "2"]) == 17
    out = " ".join(capsys.readouterr().out.split())  # unwrapped
    assert f"refused the login of user {USERNAME!r} with authSource 'admin'" in out
    assert PASSWORD not in out
    assert quote_plus(PASSWORD) not in out


@pytest.mark.parametrize("with_client", [True, False], ids=["client", "no-client"])
def test_explain_names_the_login_only_with_the_client(
    mongo: MongoServer, ca_file: str, with_client: bool
) -> None:
    uri = mongo.uri().replace("authSource=admin", "authSource=nope")
    client = atlasconnect.connect(uri, tlsCAFile=ca_file, **SHORT)
    with pytest.raises(PyMongoError) as info:
        client.admin.command("ping")
    client.close()
    error = atlasconnect.explain(info.value, client if with_client else None)
    assert isinstance(error, AuthenticationError)
    if with_client:
        assert f"user {USERNAME!r} with authSource 'nope'" in error.found
    else:
        assert "does not say which user and authSource were tried" in error.found
        assert "user name" in error.fix
        assert "authSource must be admin" in error.fix
    printed(error)


def test_pasted_bad_auth_says_what_to_check() -> None:
    text = (
        "pymongo.errors.OperationFailure: bad auth : Authentication failed., full error: "
        "{'ok': 0, 'errmsg': 'bad auth : Authentication failed.', 'code': 8000, "
        "'codeName': 'AtlasError'}"
    )
    error = atlasconnect.explain(OperationFailure("bad auth : Authentication failed.", 8000))
    assert error is not None
    pasted = explain_text(text)
    assert isinstance(pasted, AuthenticationError)
    for explained in (error, pasted):
        assert "does not say which user and authSource were tried" in explained.found
        assert "Database Access" in explained.fix


def test_the_doctor_logs_in_with_the_auth_source_the_app_uses(
    mongo: MongoServer, ca_file: str
) -> None:
    # No authSource: pymongo takes the URI's database, where this user does not exist.
    uri = mongo.uri(tlsCAFile=ca_file).replace("authSource=admin&", "")
    uri = uri.replace(f":{mongo.port}/", f":{mongo.port}/mydb")
    app_error = raised(uri)
    assert isinstance(app_error, AuthenticationError)
    report = doctor_module.run(uri, timeout=2)
    assert isinstance(report.error, AuthenticationError)
    assert "authSource 'mydb'" in report.error.found
    assert "authSource is 'mydb'" in report.error.fix
    login_layer = report.hosts[0].layers[-1]
    assert login_layer.name is LayerName.AUTHENTICATION
    assert login_layer.details["auth_source"] == "mydb"


# A pip fix must reach this interpreter's environment, in as few columns as it can.

INCOMPATIBLE_DNSPYTHON = "query() got an unexpected keyword argument 'lifetime'"


def pip_fix() -> str:
    error = explain_text(INCOMPATIBLE_DNSPYTHON)
    assert isinstance(error, atlasconnect.MissingDependencyError)
    return error.fix


def test_a_pip_fix_says_python_when_path_runs_this_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))
    assert pip_fix().startswith("`python -m pip install --upgrade pymongo dnspython`")


def test_a_pip_fix_names_the_interpreter_path_runs_no_other(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pip_fix().startswith(f"`{sys.executable} -m pip install")


def test_a_python_elsewhere_on_path_is_another_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The same binary in another directory runs without this virtualenv (its
    ``pyvenv.cfg`` is found beside the path that was run), so it is not named."""
    (tmp_path / "python").symlink_to(os.path.realpath(sys.executable))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pip_fix().startswith(f"`{sys.executable} -m pip install")


def test_a_pip_fix_says_python3_when_only_that_name_runs_this_interpreter(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "python3").symlink_to(os.path.realpath(sys.executable))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python3"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pip_fix().startswith("`python3 -m pip install")


def test_an_interpreter_path_with_a_space_is_quoted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", "/opt/My Python/bin/python3")
    assert pip_fix().startswith("`'/opt/My Python/bin/python3' -m pip install")


def test_an_interpreter_path_no_shell_can_hold_is_named_in_words(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A backquote would end the command in the fix's text: the command says python, and
    the words after it which interpreter that is."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", "/opt/a`b`/bin/python3")
    fix = pip_fix()
    assert fix.startswith("`python -m pip install --upgrade pymongo dnspython`, where python ")
    assert "/opt/a\\x60b\\x60/bin/python3" in fix
    assert "`b`" not in fix
