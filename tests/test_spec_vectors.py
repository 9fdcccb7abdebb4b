"""MongoDB's driver-specification URI vectors: each accepted with the policy, or refused typed.

The vectors (``connection-string`` and ``uri-options`` tests of
mongodb/specifications) are licensed apart from this project and are not in
it: they are read from ``../shared/spec-tests/`` beside the checkout (CI has
it), or from the folder ``ATLASCONNECT_SPEC_TESTS`` names.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any

import pymongo
import pytest
from shown import shown

import atlasconnect
from atlasconnect import AtlasConnectError

FOLDER = Path(
    os.environ.get("ATLASCONNECT_SPEC_TESTS")
    or Path(__file__).resolve().parents[2] / "shared" / "spec-tests"
)
# The options that hold secrets, in the vectors' spelling.
SECRET_OPTIONS = ("tlsCertificateKeyFilePassword", "tlsCertificateKeyPassword")
SECRET_PROPERTIES = ("AWS_SESSION_TOKEN",)


def vectors() -> list[Any]:
    if not FOLDER.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no vectors at {FOLDER}"))]
    found = []
    for path in sorted(FOLDER.glob("*.json")):
        for test in json.loads(path.read_text())["tests"]:
            found.append(pytest.param(test, id=f"{path.stem}: {test['description']}"))
    return found


def secrets_of(test: dict[str, Any]) -> list[str]:
    """What the vector says is secret: the password, a key's password, a session token."""
    found = [(test.get("auth") or {}).get("password")]
    options = {k.lower(): v for k, v in (test.get("options") or {}).items()}
    found += [options.get(name.lower()) for name in SECRET_OPTIONS]
    properties = options.get("authmechanismproperties") or {}
    found += [properties.get(name) for name in SECRET_PROPERTIES]
    return [s for s in found if isinstance(s, str) and len(s) >= 4]


@pytest.mark.parametrize("test", vectors())
def test_vector_is_accepted_with_the_policy_or_refused_typed(
    test: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pymongo's own warnings for the warning vectors
            client = atlasconnect.connect(test["uri"], connect=False)
    except AtlasConnectError as error:
        printed = shown(error) + caplog.text
        for secret in secrets_of(test):
            assert secret not in printed
        return
    try:
        context = client.options.pool_options._ssl_context
        assert context is not None
        assert context.verify_mode.name == "CERT_REQUIRED"
        assert context.check_hostname is True
        # The client's repr is pymongo's own, which shows URI options as given before 4.20.
        shown_by_pymongo = repr(client) if pymongo_repr_redacts() else ""
        for secret in secrets_of(test):
            assert secret not in shown_by_pymongo + caplog.text
    finally:
        client.close()


def pymongo_repr_redacts() -> bool:
    """Whether this pymongo's MongoClient repr hides a secret option of the connection string."""
    uri = "mongodb://example.com/?tls=true&tlsCertificateKeyFilePassword=hunter2"
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(uri, connect=False)
    try:
        return "hunter2" not in repr(client)
    finally:
        client.close()
