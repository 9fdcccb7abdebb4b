"""atlasconnect.celery.MongoBackend: Celery's MongoDB result backend, client by atlasconnect.

Tasks run eagerly with their results stored (``task_store_eager_result``):
Celery's own code stores each result through the backend and
``AsyncResult`` reads it back, against the TLS + SCRAM server on loopback.
``create_celery`` is the recipe that docs/integrations/celery.rst shows.
"""

from __future__ import annotations

import ssl
import traceback
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import trustme
from celery import Celery
from celery.backends.mongodb import MongoBackend as CeleryMongoBackend
from pymongo.errors import ServerSelectionTimeoutError
from servers import FakeDNS, MongoServer, ProxiedUri, SrvClusterFactory, server_context

import atlasconnect
from atlasconnect.celery import MongoBackend

PASSWORD = "s3cr3t/P@ss:word%"
FAST_FAILURE: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}


def create_celery(mongodb_uri: str, **backend_settings: Any) -> Celery:
    """A Celery app whose task results atlasconnect's MongoDB backend keeps.

    ``backend_settings`` are Celery's ``mongodb_backend_settings``: for
    example ``database``, ``options`` (``MongoClient``'s), and atlasconnect's
    ``min_tls_version`` and ``verify``.
    """
    app = Celery("notes")
    app.conf.result_backend = f"atlasconnect.celery:MongoBackend+{mongodb_uri}"
    app.conf.mongodb_backend_settings = backend_settings
    return app


def add_task(app: Celery) -> Any:
    """An ``add`` task run in this process, its result stored through the backend."""
    app.conf.update(task_always_eager=True, task_store_eager_result=True, broker_url="memory://")

    def add(x: int, y: int) -> int:
        return x + y

    return app.task(add, name="add")


@pytest.fixture
def results_uri(mongo: MongoServer, ca_file: str) -> Iterator[str]:
    """The TLS server's URI naming the database "celery_results"; dropped afterwards."""
    yield mongo.uri(tlsCAFile=ca_file).replace("/?", "/celery_results?", 1)
    cleanup = atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file)
    cleanup.drop_database("celery_results")
    cleanup.close()


def stored_and_read(app: Celery) -> int:
    """Run ``add(2, 3)``; return its result as read back from the backend by a new AsyncResult."""
    task_id = add_task(app).delay(2, 3).id
    result = app.AsyncResult(task_id)
    value: int = result.get(timeout=10)
    assert result.state == "SUCCESS"
    return value


def failed_read(app: Celery) -> BaseException:
    """The error reading a result through the backend raised."""
    with pytest.raises(ServerSelectionTimeoutError) as raised:
        _ = app.AsyncResult(str(uuid.uuid4())).state
    return raised.value


def close(app: Celery) -> None:
    connection = app.backend._connection
    if connection is not None:
        connection.close()


# A real round trip.


def test_result_is_stored_and_read_back(results_uri: str) -> None:
    app = create_celery(results_uri)
    assert isinstance(app.backend, MongoBackend)
    assert stored_and_read(app) == 5
    stored = app.backend._get_connection()["celery_results"]["celery_taskmeta"]
    assert stored.count_documents({"status": "SUCCESS"}) == 1  # in the URI's database
    close(app)


def test_database_setting_wins_over_the_uri_s(results_uri: str, mongo: MongoServer) -> None:
    app = create_celery(results_uri, database="celery_other")
    assert stored_and_read(app) == 5
    assert app.backend.database.name == "celery_other"
    app.backend._get_connection().drop_database("celery_other")
    close(app)


def test_client_options_come_from_the_settings(mongo: MongoServer, ca_file: str) -> None:
    app = create_celery(mongo.uri(), database="celery_results", options={"tlsCAFile": ca_file})
    assert stored_and_read(app) == 5
    app.backend._get_connection().drop_database("celery_results")
    close(app)


def test_without_a_url_mongodb_uri_is_used(
    results_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MONGODB_URI", results_uri)
    app = Celery("notes")
    app.conf.result_backend = "atlasconnect.celery:MongoBackend"
    assert stored_and_read(app) == 5
    close(app)


def test_srv_url_is_followed_by_the_client_not_resolved_at_start_up(
    srv_cluster: SrvClusterFactory, ca_file: str, dns_env: FakeDNS
) -> None:
    cluster = srv_cluster(nodes=3)
    app = create_celery(cluster.uri(tlsCAFile=ca_file).replace("/?", "/celery_results?", 1))
    assert stored_and_read(app) == 5
    for host, proxy in zip(cluster.hosts, cluster.proxies, strict=True):
        assert host in proxy.sni_names  # TLS, with each host's own name
    app.backend._get_connection().drop_database("celery_results")
    close(app)
    # An unknown name: the backend starts (Celery's would fail here with pymongo's bare
    # ConfigurationError), and the first read explains the DNS failure.
    unknown = create_celery(cluster.uri().replace(cluster.name, "nowhere.example.test"))
    error = failed_read_or_configuration_error(unknown)
    assert isinstance(atlasconnect.explain(error), atlasconnect.DNSResolutionError)
    close(unknown)


def failed_read_or_configuration_error(app: Celery) -> BaseException:
    with pytest.raises(Exception) as raised:  # noqa: PT011 (explain() tells what it is)
        _ = app.AsyncResult(str(uuid.uuid4())).state
    return raised.value


# The TLS policy, through Celery's settings.


def test_tls_1_3_floor_refuses_a_tls_1_2_server(
    proxied_uri: ProxiedUri, leaf: trustme.LeafCert, ca_file: str
) -> None:
    uri = proxied_uri(server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2))
    options = {"tlsCAFile": ca_file, **FAST_FAILURE}
    floored = create_celery(uri, min_tls_version=ssl.TLSVersion.TLSv1_3, options=options)
    error = failed_read(floored)
    assert isinstance(atlasconnect.explain(error), atlasconnect.TLSVersionRefusedError)
    close(floored)
    # The same server, with the default floor: the floor made the difference.
    app = create_celery(uri, database="celery_results", options=options)
    assert stored_and_read(app) == 5
    app.backend._get_connection().drop_database("celery_results")
    close(app)


def test_untrusted_ca_is_refused_and_explained(mongo: MongoServer, other_ca_file: str) -> None:
    app = create_celery(mongo.uri(tlsCAFile=other_ca_file, **FAST_FAILURE))
    explained = atlasconnect.explain(failed_read(app))
    assert isinstance(explained, atlasconnect.CertificateVerificationError)
    close(app)


def test_verify_raises_the_typed_error_at_first_use(mongo: MongoServer, other_ca_file: str) -> None:
    app = create_celery(mongo.uri(), verify=True, options={"tlsCAFile": other_ca_file})
    with pytest.raises(atlasconnect.CertificateVerificationError):
        _ = app.AsyncResult(str(uuid.uuid4())).state


@pytest.mark.parametrize(
    ("uri_options", "backend_settings"),
    [
        ({"tlsInsecure": True}, {}),
        ({}, {"options": {"tlsInsecure": True}}),
        ({}, {"tlsAllowInvalidHostnames": True}),
        ({"tls": False}, {}),
    ],
    ids=["tlsInsecure-in-url", "tlsInsecure-in-options", "invalid-host-names", "tls-off"],
)
def test_insecure_settings_are_refused_at_start_up(
    mongo: MongoServer,
    ca_file: str,
    uri_options: dict[str, Any],
    backend_settings: dict[str, Any],
) -> None:
    app = create_celery(mongo.uri(tlsCAFile=ca_file, **uri_options), **backend_settings)
    with pytest.raises(atlasconnect.InsecureConfigurationError) as raised:
        _ = app.backend
    assert_no_secret(raised.value)


@pytest.mark.parametrize("option", ["tlsInsecure=true", "tlsAllowInvalidHostnames=true"])
def test_a_url_ending_in_a_line_break_keeps_the_policy(
    mongo: MongoServer, ca_file: str, option: str
) -> None:
    app = create_celery(f"{mongo.uri(tlsCAFile=ca_file)}&{option}\n")
    with pytest.raises(atlasconnect.InsecureConfigurationError, match=option) as raised:
        _ = app.backend
    assert_no_secret(raised.value)


def test_stock_backend_accepts_tls_insecure(mongo: MongoServer) -> None:
    """Why the integration exists: Celery's own backend takes the same URL without a word."""
    app = Celery("notes")
    app.conf.result_backend = mongo.uri(tlsInsecure=True)
    assert isinstance(app.backend, CeleryMongoBackend)
    assert app.backend.options["tlsInsecure"] is True


def test_servers_named_in_url_and_settings_are_refused(results_uri: str) -> None:
    app = create_celery(results_uri, host="elsewhere.example.test")
    with pytest.raises(atlasconnect.ConnectionStringError, match="named twice") as raised:
        _ = app.backend
    assert_no_secret(raised.value)


def test_servers_named_by_settings_alone(mongo: MongoServer, ca_file: str) -> None:
    app = Celery("notes")
    app.conf.result_backend = "atlasconnect.celery:MongoBackend"
    app.conf.mongodb_backend_settings = {
        "host": "localhost",
        "port": mongo.port,
        "user": mongo.username,
        "password": mongo.password,
        "database": "celery_results",
        "options": {"authSource": "admin", "tlsCAFile": ca_file},
    }
    assert stored_and_read(app) == 5
    app.backend._get_connection().drop_database("celery_results")
    close(app)


def assert_no_secret(error: BaseException) -> None:
    """Not in the message, the repr, the chain, nor a local of any frame of the traceback."""
    shown = traceback.TracebackException.from_exception(error, capture_locals=True)
    assert PASSWORD not in "".join(shown.format())
    assert PASSWORD not in repr(error)
    assert error.__cause__ is None


def test_system_ca_is_an_option(
    mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CA is only in this machine's (OpenSSL's) default store, not in certifi's bundle."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    monkeypatch.setenv("SSL_CERT_DIR", ca_file + ".no-such-directory")
    app = create_celery(mongo.uri(), database="celery_results", options={"system_ca": True})
    assert stored_and_read(app) == 5
    app.backend._get_connection().drop_database("celery_results")
    close(app)
