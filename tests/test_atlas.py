"""What an Atlas name looks like: a cluster's SRV name, a server's name, another domain."""

from __future__ import annotations

import pytest

from atlasconnect import _atlas as atlas


@pytest.mark.parametrize(
    ("host", "cluster_name", "atlas_host"),
    [
        ("cluster0.abcde.mongodb.net", True, True),
        ("Cluster0.ABCDE.mongodb.net.", True, True),
        ("cluster0.abcde.mongodbgov.net", True, True),
        ("cluster0-shard-00-00.abcde.mongodb.net", False, True),
        ("ac-abc123-shard-00-01.abcde.mongodb.net", False, True),
        ("ac-abc123.abcde.mongodb.net", False, True),
        ("abcde.mongodb.net", False, True),
        ("a.cluster0.abcde.mongodb.net", False, True),
        ("cluster0..mongodb.net", False, True),
        ("cluster0.abcde.example.net", False, False),
        ("cluster0.abcde.mongodb.net.evil.example", False, False),
        ("notmongodb.net", False, False),
    ],
)
def test_names_are_told_apart(host: str, cluster_name: bool, atlas_host: bool) -> None:
    assert atlas.is_cluster_name(host) is cluster_name
    assert atlas.is_atlas_host(host) is atlas_host
