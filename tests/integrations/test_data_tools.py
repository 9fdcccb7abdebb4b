"""gridfs and pymongo-arrow on atlasconnect's clients, through their own APIs.

Both take the client (or database, or collection) they are given, so the
guarantees are the client's: each gets a round trip and one explained failure.
The functions named as recipes are the code docs/integrations/data.rst shows.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import gridfs
import pytest
from gridfs import AsyncGridFSBucket, GridFSBucket
from pymongo import AsyncMongoClient, MongoClient
from pymongo.errors import ServerSelectionTimeoutError
from pymongoarrow.api import Schema, find_arrow_all
from servers import MongoServer

import atlasconnect
from atlasconnect import CertificateVerificationError

FAST_FAILURE: dict[str, Any] = {"serverSelectionTimeoutMS": 1000, "connectTimeoutMS": 1000}
REPORT = b"quarterly figures\n" * 1000


def store_with_gridfs(client: MongoClient[Any], data: bytes) -> bytes:
    """Recipe: the legacy ``GridFS`` API on the client of ``atlasconnect.connect()``."""
    files = gridfs.GridFS(client.files_db)
    file_id = files.put(data, filename="report.txt")
    stored: bytes = files.get(file_id).read()
    files.delete(file_id)
    return stored


def store_with_bucket(client: MongoClient[Any], data: bytes) -> bytes:
    """Recipe: ``GridFSBucket`` on the client of ``atlasconnect.connect()``."""
    bucket = GridFSBucket(client.files_db)
    file_id = bucket.upload_from_stream("report.txt", io.BytesIO(data))
    stored = bucket.open_download_stream(file_id).read()
    bucket.delete(file_id)
    return stored


async def store_with_async_bucket(client: AsyncMongoClient[Any], data: bytes) -> bytes:
    """Recipe: ``AsyncGridFSBucket`` on the client of ``atlasconnect.connect_async()``."""
    bucket = AsyncGridFSBucket(client.files_db)
    file_id = await bucket.upload_from_stream("report.txt", io.BytesIO(data))
    stream = await bucket.open_download_stream(file_id)
    stored = await stream.read()
    await bucket.delete(file_id)
    return stored


def test_gridfs_round_trip(mongo: MongoServer, ca_file: str) -> None:
    with atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file) as client:
        assert store_with_gridfs(client, REPORT) == REPORT


def test_gridfs_bucket_round_trip(mongo: MongoServer, ca_file: str) -> None:
    with atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file) as client:
        assert store_with_bucket(client, REPORT) == REPORT


def test_async_gridfs_bucket_round_trip(mongo: MongoServer, ca_file: str) -> None:
    async def main() -> bytes:
        client = await atlasconnect.connect_async(mongo.uri(), tlsCAFile=ca_file)
        try:
            return await store_with_async_bucket(client, REPORT)
        finally:
            await client.close()

    assert asyncio.run(main()) == REPORT


def test_gridfs_failure_is_explained(mongo: MongoServer, other_ca_file: str) -> None:
    with atlasconnect.connect(mongo.uri(), tlsCAFile=other_ca_file, **FAST_FAILURE) as client:
        with pytest.raises(ServerSelectionTimeoutError) as info:
            store_with_bucket(client, REPORT)
        error = atlasconnect.explain(info.value, client)
    assert isinstance(error, CertificateVerificationError)
    assert error.reason == "untrusted"
    assert error.ca_file == other_ca_file


# pymongo-arrow: its functions take a pymongo collection (sync API only).

PRICES = Schema({"item": str, "price": float})


def prices_as_arrow(client: MongoClient[Any]) -> Any:
    """Recipe: pymongo-arrow reads through the client of ``atlasconnect.connect()``.

    The result is a ``pyarrow.Table`` of the items that cost more than 1.
    """
    prices = client.shop.prices
    expensive = {"price": {"$gt": 1}}
    return find_arrow_all(prices, expensive, schema=PRICES, sort=[("item", 1)])


def test_pymongoarrow_round_trip(mongo: MongoServer, ca_file: str) -> None:
    rows = [
        {"item": "tea", "price": 3.5},
        {"item": "cup", "price": 8.0},
        {"item": "spoon", "price": 0.5},
    ]
    with atlasconnect.connect(mongo.uri(), tlsCAFile=ca_file) as client:
        try:
            client.shop.prices.insert_many(rows)
            found = prices_as_arrow(client)
        finally:
            client.shop.prices.drop()
    assert found.to_pydict() == {"item": ["cup", "tea"], "price": [8.0, 3.5]}


def test_pymongoarrow_failure_is_explained(mongo: MongoServer, other_ca_file: str) -> None:
    with atlasconnect.connect(mongo.uri(), tlsCAFile=other_ca_file, **FAST_FAILURE) as client:
        with pytest.raises(ServerSelectionTimeoutError) as info:
            prices_as_arrow(client)
        error = atlasconnect.explain(info.value, client)
    assert isinstance(error, CertificateVerificationError)
    assert error.reason == "untrusted"
