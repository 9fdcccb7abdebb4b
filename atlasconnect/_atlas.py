"""What Atlas's host names look like: the one place that tells an Atlas name from another.

Atlas publishes a cluster under its SRV name, ``<cluster>.<project>.mongodb.net``
(``mongodbgov.net`` for Atlas for Government), and its servers under names one
label longer in their first label: ``<cluster>-shard-00-00.<project>.mongodb.net``,
or, on newer clusters, ``ac-<id>-shard-00-00.<project>.mongodb.net``.
"""

from __future__ import annotations

DOMAINS = (".mongodb.net", ".mongodbgov.net")
"""The DNS domains under which Atlas names clusters and their servers."""


def is_atlas_host(host: str) -> bool:
    """Whether ``host`` (any letter case, a final dot allowed) is under an Atlas domain."""
    return host.lower().rstrip(".").endswith(DOMAINS)


def is_cluster_name(host: str) -> bool:
    """Whether ``host`` is an Atlas cluster's SRV name (``cluster0.abcde.mongodb.net``):
    two labels before the domain, the first not a server's (``-shard-``, ``ac-``)."""
    name = host.lower().rstrip(".")
    domain = next((d for d in DOMAINS if name.endswith(d)), None)
    if domain is None:
        return False
    labels = name[: -len(domain)].split(".")
    return len(labels) == 2 and all(labels) and not _is_server_label(labels[0])


def _is_server_label(label: str) -> bool:
    return "-shard-" in label or label.startswith("ac-")
