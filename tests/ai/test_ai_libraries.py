"""inject_into_pymongo() with the AI and data libraries that take only a connection string.

Each builds its own client, as shipped, from a connection string or an
environment variable, with no atlasconnect code in its configuration:
langchain-mongodb (the vector store from a connection string and both
caches), llama-index-vector-stores-mongodb (through ``MONGODB_URI``; it
builds a sync and an async client), Haystack's MongoDB Atlas document store
(``MONGO_CONNECTION_STRING``) and Airflow's ``MongoHook`` (an
``AIRFLOW_CONN_*`` connection). Nothing here needs Atlas Search: the round
trips write and read without ``$vectorSearch``. Run by ``tox -e ai``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import trustme
from chain import atlasconnect_error_in
from servers import MongoServer, ProxiedUri, server_context

import atlasconnect

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="airflow-home-"))

FAST: dict[str, Any] = {"serverSelectionTimeoutMS": 1500, "connectTimeoutMS": 1500}
AIRFLOW_CONNECTION = "atlasconnect_test"

Use = Callable[[str, pytest.MonkeyPatch], None]


def database_name() -> str:
    return f"ai_{uuid.uuid4().hex[:8]}"


def use_langchain_vector_store(uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_core.embeddings import DeterministicFakeEmbedding
    from langchain_mongodb import MongoDBAtlasVectorSearch

    db = database_name()
    store = MongoDBAtlasVectorSearch.from_connection_string(
        uri, f"{db}.docs", DeterministicFakeEmbedding(size=8)
    )
    try:
        ids = store.add_texts(["hello"], metadatas=[{"k": 1}])
        assert [d.page_content for d in store.get_by_ids(ids)] == ["hello"]
    finally:
        _drop(store.collection.database.client, db)
        store.close()


def use_langchain_cache(uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_core.outputs import Generation
    from langchain_mongodb.cache import MongoDBCache

    db = database_name()
    cache = MongoDBCache(connection_string=uri, database_name=db, collection_name="cache")
    try:
        cache.update("prompt", "llm", [Generation(text="answer")])
        assert cache.lookup("prompt", "llm") == [Generation(text="answer")]
    finally:
        _drop(cache.client, db)
        cache.close()


def use_langchain_semantic_cache(uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_core.embeddings import DeterministicFakeEmbedding
    from langchain_core.outputs import Generation
    from langchain_mongodb.cache import MongoDBAtlasSemanticCache

    db = database_name()
    cache = MongoDBAtlasSemanticCache(
        connection_string=uri,
        embedding=DeterministicFakeEmbedding(size=8),
        database_name=db,
        collection_name="cache",
    )
    try:
        cache.update("prompt", "llm", [Generation(text="answer")])  # add_texts: no search
        assert cache.collection.find_one({"llm_string": "llm"})["text"] == "prompt"
    finally:
        _drop(cache.collection.database.client, db)
        cache.close()


def use_llama_index(uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.mongodb import MongoDBAtlasVectorSearch

    monkeypatch.setenv("MONGODB_URI", uri)
    db = database_name()
    store = MongoDBAtlasVectorSearch(db_name=db, collection_name="nodes")

    async def async_client_count() -> int:  # the async client it built from MONGODB_URI
        try:
            return int(await store.async_collection.count_documents({}))
        finally:
            await store.async_client.close()

    try:
        store.add([TextNode(text="hello", id_="n1", embedding=[0.1, 0.2])])
        assert store.collection.find_one({"_id": "n1"})["text"] == "hello"
        assert asyncio.run(async_client_count()) == 1
    finally:
        _drop(store.client, db)
        store.client.close()


def use_haystack(uri: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from haystack import Document
    from haystack.document_stores.errors import DocumentStoreError
    from haystack_integrations.document_stores.mongodb_atlas import MongoDBAtlasDocumentStore

    monkeypatch.setenv("MONGO_CONNECTION_STRING", uri)
    db = database_name()
    store = MongoDBAtlasDocumentStore(
        database_name=db,
        collection_name="docs",
        vector_search_index="unused",
        full_text_search_index="unused",
    )
    try:
        with pytest.raises(DocumentStoreError, match="does not exist"):
            store.count_documents()  # builds the client; the store never creates collections
        store.connection[db].create_collection("docs")
        store.write_documents([Document(id="d1", content="hello")])
        assert store.count_documents() == 1
    finally:
        if store._connection is not None:
            _drop(store.connection, db)
        store.close()


def use_airflow(uri: str, monkeypatch: pytest.MonkeyPatch, **extra: Any) -> None:
    from airflow.providers.mongo.hooks.mongo import MongoHook

    monkeypatch.setenv(
        f"AIRFLOW_CONN_{AIRFLOW_CONNECTION.upper()}", _airflow_connection(uri, extra)
    )
    hook = MongoHook(mongo_conn_id=AIRFLOW_CONNECTION)
    db = database_name()
    try:
        hook.insert_many("items", [{"n": 1}], mongo_db=db)
        assert [d["n"] for d in hook.find("items", {}, mongo_db=db)] == [1]
    finally:
        if hook.client is not None:
            _drop(hook.client, db)
            hook.close()


def _airflow_connection(uri: str, extra: dict[str, Any]) -> str:
    """``uri`` as an Airflow connection: MongoHook takes URI options as its extras."""
    parts = urlsplit(uri)
    connection = {
        "conn_type": "mongo",
        "host": parts.hostname,
        "port": parts.port,
        "login": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "extra": {**dict(parse_qsl(parts.query)), **extra},
    }
    return json.dumps(connection)


def _drop(client: Any, database: str) -> None:
    try:
        client.drop_database(database)
    except Exception:
        logging.getLogger(__name__).debug("could not drop %s", database)


LIBRARIES: dict[str, Use] = {
    "langchain-vector-store": use_langchain_vector_store,
    "langchain-cache": use_langchain_cache,
    "langchain-semantic-cache": use_langchain_semantic_cache,
    "llama-index": use_llama_index,
    "haystack": use_haystack,
    "airflow": use_airflow,
}


@pytest.fixture(params=list(LIBRARIES))
def use(request: pytest.FixtureRequest) -> Use:
    return LIBRARIES[request.param]


def typed(
    error: BaseException, caplog: pytest.LogCaptureFixture
) -> atlasconnect.AtlasConnectError | str | None:
    """atlasconnect's error in what the library raised (its chain, or explained from it); for
    a library that drops the cause (Haystack's "Connection to MongoDB Atlas failed."), the
    name of the error atlasconnect's failure listener logged."""
    explained = atlasconnect_error_in(error)
    if explained is not None:
        return explained
    logged = [r.getMessage() for r in caplog.records if r.name == "atlasconnect"]
    return logged[0].partition(":")[0] if logged else None


def is_a(found: object, error_class: type[atlasconnect.AtlasConnectError]) -> bool:
    return isinstance(found, error_class) or found == error_class.__name__


@pytest.mark.usefixtures("injected")
def test_a_round_trip_with_tls_switched_on(
    use: Use, mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The URI does not ask for TLS and the server speaks nothing else."""
    use(mongo.uri(tlsCAFile=ca_file), monkeypatch)


@pytest.mark.usefixtures("injected")
def test_an_untrusted_server_is_refused_and_explained(
    use: Use, mongo: MongoServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="atlasconnect")
    with pytest.raises(Exception) as caught:  # noqa: PT011 (each library raises its own)
        use(mongo.uri(**FAST), monkeypatch)  # certifi's bundle: the test CA is not in it
    assert is_a(typed(caught.value, caplog), atlasconnect.CertificateVerificationError)


@pytest.mark.usefixtures("injected")
def test_tls_insecure_is_refused(
    use: Use, mongo: MongoServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011
        use(mongo.uri(tlsInsecure=True, **FAST), monkeypatch)
    assert is_a(typed(caught.value, caplog), atlasconnect.InsecureConfigurationError)


def test_the_tls_1_3_floor_refuses_a_tls_1_2_server(
    use: Use,
    proxied_uri: ProxiedUri,
    leaf: trustme.LeafCert,
    ca_file: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="atlasconnect")
    tls_1_2_only = server_context(leaf, maximum=ssl.TLSVersion.TLSv1_2)
    uri = proxied_uri(tls_1_2_only, tlsCAFile=ca_file, **FAST)
    atlasconnect.inject_into_pymongo(min_tls_version=ssl.TLSVersion.TLSv1_3)
    try:
        with pytest.raises(Exception) as caught:  # noqa: PT011
            use(uri, monkeypatch)
    finally:
        atlasconnect.extract_from_pymongo()
    assert is_a(typed(caught.value, caplog), atlasconnect.TLSVersionRefusedError)


@pytest.mark.usefixtures("injected")
def test_airflows_allow_insecure_extra_is_refused_in_airflows_words(
    mongo: MongoServer, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The "Allow Invalid Certificates" box of an Airflow connection with SSL (its extras
    ``ssl`` and ``allow_insecure``), not a URI option."""
    with pytest.raises(atlasconnect.InsecureConfigurationError) as caught:
        use_airflow(mongo.uri(tlsCAFile=ca_file), monkeypatch, ssl=True, allow_insecure=True)
    error = caught.value
    assert "The client was made by airflow.providers.mongo.hooks.mongo.get_conn" in error.found
    assert error.fix.startswith("change the setting in the Airflow connection's extras")


def test_atlasconnect_run_gives_a_stock_library_the_policy(
    mongo: MongoServer, ca_file: str, tmp_path: Path
) -> None:
    """A fresh process through ``atlasconnect run``, with no atlasconnect code in it."""
    program = tmp_path / "cache.py"
    program.write_text(
        "import sys\n"
        "from langchain_mongodb.cache import MongoDBCache\n"
        "MongoDBCache(connection_string=sys.argv[1], database_name='run', collection_name='c')\n"
        "print('made')\n"
    )
    command = [sys.executable, "-m", "atlasconnect", "run", "--", sys.executable, str(program)]
    good = subprocess.run(
        [*command, mongo.uri(tlsCAFile=ca_file)], capture_output=True, text=True, timeout=120
    )
    assert good.stdout.strip() == "made", good.stderr
    insecure = subprocess.run(
        [*command, mongo.uri(tlsCAFile=ca_file, tlsInsecure=True)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert insecure.returncode != 0
    assert "atlasconnect.InsecureConfigurationError" in insecure.stderr
    assert "The client was made by langchain_mongodb.cache" in insecure.stderr
