"""atlasconnect.flask.PyMongo: Flask-PyMongo whose client atlasconnect makes.

Every test goes through Flask's own API (an app, its config, its test client)
to the TLS + SCRAM server on loopback. ``create_app`` is the recipe that
docs/integrations/flask.rst shows.
"""

from __future__ import annotations

import ssl
import traceback
from collections.abc import Iterator
from typing import Any

import flask_pymongo
import flask_pymongo.wrappers
import pytest
import trustme
from bson import ObjectId
from flask import Flask, request
from pymongo.errors import ServerSelectionTimeoutError
from servers import MongoServer, ProxiedUri, SrvClusterFactory, server_context
from werkzeug.exceptions import NotFound

import atlasconnect
from atlasconnect.flask import PyMongo

PASSWORD = "s3cr3t/P@ss:word%"
FAST_FAILURE: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}


def create_app(config: dict[str, Any], **pymongo_options: Any) -> Flask:
    """A Flask app that keeps notes in MongoDB, with atlasconnect's ``PyMongo``.

    ``config`` holds ``MONGO_URI`` (a connection string that names the
    database); ``pymongo_options`` go to ``PyMongo`` (``MongoClient``'s
    options, ``min_tls_version``, ``verify``).
    """
    app = Flask(__name__)
    app.config.update(config)
    mongo = PyMongo(app, **pymongo_options)
    assert mongo.db is not None, "MONGO_URI names no database"
    notes = mongo.db.notes  # a Flask-PyMongo collection: it has find_one_or_404()

    def add_note() -> Any:
        note = {"text": request.get_json()["text"]}
        notes.insert_one(note)
        return note  # its ObjectId _id is written as JSON by Flask-PyMongo's provider

    def get_note(note_id: ObjectId) -> Any:
        return notes.find_one_or_404({"_id": note_id})

    app.add_url_rule("/notes", view_func=add_note, methods=["POST"])
    app.add_url_rule("/notes/<ObjectId:note_id>", view_func=get_note)
    app.extensions["atlasconnect_test_pymongo"] = mongo  # for the tests' clean-up only
    return app


def with_database(uri: str, database: str) -> str:
    """``uri`` (``scheme://user:pw@hosts/?options``) naming ``database``."""
    return uri.replace("/?", f"/{database}?", 1)


@pytest.fixture
def notes_uri(mongo: MongoServer, ca_file: str) -> Iterator[str]:
    """MONGO_URI of the TLS server, naming the database "flask_notes"; dropped afterwards."""
    yield with_database(mongo.uri(tlsCAFile=ca_file), "flask_notes")
    cleanup = atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file)
    cleanup.drop_database("flask_notes")
    cleanup.close()


def post_and_get(app: Flask) -> dict[str, Any]:
    """Write a note and read it back through the app's routes; return what GET answered."""
    client = app.test_client()
    created = client.post("/notes", json={"text": "hello atlas"})
    assert created.status_code == 200, created.text
    note_id = created.get_json()["_id"]  # Flask-PyMongo's JSON provider reads it as an ObjectId
    assert isinstance(note_id, ObjectId)
    fetched = client.get(f"/notes/{note_id}")
    assert fetched.status_code == 200, fetched.text
    body: dict[str, Any] = fetched.get_json()
    return body


def failed_request(app: Flask) -> BaseException:
    """The error a request that needs the server raised (the app lets it propagate)."""
    app.testing = True
    with pytest.raises(ServerSelectionTimeoutError) as raised:
        app.test_client().post("/notes", json={"text": "never stored"})
    return raised.value


def close(app: Flask) -> None:
    app.extensions["atlasconnect_test_pymongo"].cx.close()


# A real round trip: the write, the ObjectId converter, the JSON provider, .db and .cx.


def test_request_writes_and_reads_through_mongo_db(notes_uri: str) -> None:
    app = create_app({"MONGO_URI": notes_uri})
    body = post_and_get(app)
    assert body["text"] == "hello atlas"
    assert isinstance(body["_id"], ObjectId)
    mongo = app.extensions["atlasconnect_test_pymongo"]
    assert mongo.db.name == "flask_notes"
    assert mongo.cx.list_database_names()  # .cx is the client, authenticated over TLS
    close(app)


def test_converter_refuses_what_is_not_an_object_id_and_404s_an_unknown_one(
    notes_uri: str,
) -> None:
    app = create_app({"MONGO_URI": notes_uri})
    client = app.test_client()
    assert client.get("/notes/not-an-object-id").status_code == 404
    assert client.get(f"/notes/{ObjectId()}").status_code == 404  # find_one_or_404
    close(app)


def test_client_options_are_pymongo_keywords(mongo: MongoServer, ca_file: str) -> None:
    app = create_app({"MONGO_URI": with_database(mongo.uri(), "flask_notes")}, tlsCAFile=ca_file)
    assert post_and_get(app)["text"] == "hello atlas"
    app.extensions["atlasconnect_test_pymongo"].cx.drop_database("flask_notes")
    close(app)


def test_uri_argument_wins_over_mongo_uri(notes_uri: str) -> None:
    app = Flask(__name__)
    app.config["MONGO_URI"] = "mongodb://unused.invalid/"
    mongo = PyMongo(app, notes_uri)
    assert mongo.db is not None
    assert mongo.db.name == "flask_notes"
    mongo.cx.close()


def test_mongodb_uri_is_the_last_resort(notes_uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URI", notes_uri)
    app = create_app({})
    assert post_and_get(app)["text"] == "hello atlas"
    close(app)


def test_db_is_none_when_the_uri_names_no_database(mongo: MongoServer, ca_file: str) -> None:
    app = Flask(__name__)
    app.config["MONGO_URI"] = mongo.uri(tlsCAFile=ca_file)
    mongo_ext = PyMongo(app)
    assert mongo_ext.db is None
    assert mongo_ext.cx is not None
    mongo_ext.cx.close()


def test_srv_name_is_not_looked_up_at_init_app(
    srv_cluster: SrvClusterFactory, ca_file: str
) -> None:
    """Flask-PyMongo resolves mongodb+srv itself at init_app; the client resolves it instead."""
    cluster = srv_cluster(nodes=3)
    uri = with_database(cluster.uri(tlsCAFile=ca_file), "flask_notes")
    app = create_app({"MONGO_URI": uri})
    assert post_and_get(app)["text"] == "hello atlas"
    app.extensions["atlasconnect_test_pymongo"].cx.drop_database("flask_notes")
    close(app)
    unknown = create_app({"MONGO_URI": uri.replace(cluster.name, "nowhere.example.test")})
    assert unknown.extensions["atlasconnect_test_pymongo"].db.name == "flask_notes"
    close(unknown)


# The TLS policy, through the app's settings.


def test_tls_1_3_floor_refuses_a_tls_1_2_server(
    proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str
) -> None:
    uri = with_database(
        proxied_uri(server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2)), "flask_notes"
    )
    floored = create_app(
        {"MONGO_URI": uri},
        tlsCAFile=ca_file,
        min_tls_version=ssl.TLSVersion.TLSv1_3,
        **FAST_FAILURE,
    )
    error = failed_request(floored)
    assert isinstance(atlasconnect.explain(error), atlasconnect.TLSVersionRefusedError)
    close(floored)
    # The same server, with the default floor (TLS 1.2): the floor made the difference.
    app = create_app({"MONGO_URI": uri}, tlsCAFile=ca_file)
    assert post_and_get(app)["text"] == "hello atlas"
    app.extensions["atlasconnect_test_pymongo"].cx.drop_database("flask_notes")
    close(app)


def test_untrusted_ca_is_refused_and_explained(mongo: MongoServer, other_ca_file: str) -> None:
    uri = with_database(mongo.uri(tlsCAFile=other_ca_file), "flask_notes")
    app = create_app({"MONGO_URI": uri}, **FAST_FAILURE)
    explained = atlasconnect.explain(failed_request(app))
    assert isinstance(explained, atlasconnect.CertificateVerificationError)
    close(app)


def test_verify_raises_the_typed_error_at_init_app(mongo: MongoServer, other_ca_file: str) -> None:
    uri = with_database(mongo.uri(), "flask_notes")
    with pytest.raises(atlasconnect.CertificateVerificationError):
        create_app({"MONGO_URI": uri}, tlsCAFile=other_ca_file, verify=True, **FAST_FAILURE)


@pytest.mark.parametrize(
    ("uri_options", "pymongo_options"),
    [
        ({"tlsInsecure": True}, {}),
        ({}, {"tlsInsecure": True}),
        ({"tlsAllowInvalidCertificates": True}, {}),
        ({"tls": False}, {}),
    ],
    ids=["tlsInsecure-in-MONGO_URI", "tlsInsecure-keyword", "invalid-certificates", "tls-off"],
)
def test_insecure_settings_are_refused_at_init_app(
    mongo: MongoServer,
    ca_file: str,
    uri_options: dict[str, Any],
    pymongo_options: dict[str, Any],
) -> None:
    uri = with_database(mongo.uri(tlsCAFile=ca_file, **uri_options), "flask_notes")
    app = Flask(__name__)
    app.config["MONGO_URI"] = uri
    with pytest.raises(atlasconnect.InsecureConfigurationError) as raised:
        PyMongo(app, **pymongo_options)
    assert_no_secret(raised.value)
    assert "ObjectId" not in app.url_map.converters  # nothing half set up


@pytest.mark.parametrize("option", ["tlsInsecure=true", "tlsAllowInvalidHostnames=true"])
def test_a_mongo_uri_ending_in_a_line_break_keeps_the_policy(
    mongo: MongoServer, ca_file: str, option: str
) -> None:
    app = Flask(__name__)
    uri = with_database(mongo.uri(tlsCAFile=ca_file), "flask_notes")
    app.config["MONGO_URI"] = f"{uri}&{option}\n"
    with pytest.raises(atlasconnect.InsecureConfigurationError, match=option) as raised:
        PyMongo(app)
    assert_no_secret(raised.value)


def test_stock_flask_pymongo_accepts_tls_insecure(mongo: MongoServer, ca_file: str) -> None:
    """Why the integration exists: the same setting goes through Flask-PyMongo unnoticed."""
    app = Flask(__name__)
    app.config["MONGO_URI"] = with_database(mongo.uri(tlsInsecure=True), "flask_notes")
    stock = flask_pymongo.PyMongo(app)
    assert stock.cx is not None
    stock.cx.close()


def test_no_connection_string_anywhere_says_where_to_put_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MONGODB_URI", raising=False)
    with pytest.raises(atlasconnect.ConnectionStringError) as raised:
        PyMongo(Flask(__name__))
    assert "MONGO_URI" in str(raised.value)
    assert "MONGODB_URI" in str(raised.value)


def assert_no_secret(error: BaseException) -> None:
    """Not in the message, the repr, the chain, nor a local of atlasconnect's frames."""
    shown = traceback.TracebackException.from_exception(error, capture_locals=True)
    printed = "".join(shown.format())
    assert PASSWORD not in printed
    assert PASSWORD not in repr(error)
    assert error.__cause__ is None
    assert error.__context__ is None or PASSWORD not in repr(error.__context__)


def test_positional_arguments_are_mongoclient_s(notes_uri: str) -> None:
    app = Flask(__name__)
    mongo = PyMongo(app, notes_uri, None, dict, True)  # port, document_class, tz_aware
    assert mongo.cx.codec_options.tz_aware is True
    mongo.cx.close()
    with pytest.raises(TypeError, match="at most 5 positional"):
        PyMongo(app, notes_uri, None, dict, True, False, None, "one too many")


def test_system_ca_is_an_option_and_the_environment_variable_works(
    mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CA is only in this machine's (OpenSSL's) default store: certifi alone fails."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    monkeypatch.setenv("SSL_CERT_DIR", ca_file + ".no-such-directory")
    uri = with_database(mongo.uri(), "flask_notes")
    with pytest.raises(atlasconnect.CertificateVerificationError):
        create_app({"MONGO_URI": uri}, verify=True, **FAST_FAILURE)
    app = create_app({"MONGO_URI": uri}, system_ca=True, verify=True)
    assert post_and_get(app)["text"] == "hello atlas"
    close(app)
    monkeypatch.setenv("ATLASCONNECT_SYSTEM_CA", "1")
    app = create_app({"MONGO_URI": uri}, verify=True)
    assert post_and_get(app)["text"] == "hello atlas"
    app.extensions["atlasconnect_test_pymongo"].cx.drop_database("flask_notes")
    close(app)


def test_cx_is_flask_pymongo_s_client_class(mongo: MongoServer, ca_file: str) -> None:
    """``cx["db"].collection.find_one_or_404`` works as with stock Flask-PyMongo."""
    app = create_app({"MONGO_URI": with_database(mongo.uri(), "flask_notes")}, tlsCAFile=ca_file)
    cx = app.extensions["atlasconnect_test_pymongo"].cx
    assert isinstance(cx, flask_pymongo.wrappers.MongoClient)
    with app.test_request_context(), pytest.raises(NotFound):
        cx["flask_notes"].notes.find_one_or_404({"_id": ObjectId()})
    close(app)
