"""The JSON documents of ``atlasconnect doctor --json`` and ``atlasconnect explain --json``.

The doctor's document is what ``doctor-schema.json`` (beside this module)
describes; ``explain``'s shares its ``error``. Every string is valid Unicode, so
that any strict JSON reader takes the text (:func:`dumps`).
"""

from __future__ import annotations

import json
from typing import Any

from . import __version__
from ._doctor_layers import Layer, Report
from ._exceptions import AtlasConnectError, family_of, fix_for
from ._families import Reason
from ._pasted_input import Pasted

SCHEMA_VERSION = 1


def dumps(document: dict[str, Any]) -> str:
    """``document`` as JSON text that any strict reader takes.

    Every string is made valid Unicode first: a lone surrogate (what Python
    makes of a byte in argv that is not UTF-8) is written as the text shows it,
    ``\\udcff``, since RFC 8259 leaves an escaped lone surrogate undefined and
    strict readers refuse it. Values JSON has no type for are their ``str()``.
    """
    return json.dumps(_valid_unicode(document), indent=2, default=str)


def _valid_unicode(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_valid_unicode(key): _valid_unicode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_valid_unicode(item) for item in value]
    return value


def doctor_document(report: Report, exit_code: int) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "atlasconnect_version": __version__,
        "uri": report.uri,
        "healthy": exit_code == 0,  # the exit status of a healthy run (_cli.EXIT_OK)
        "exit_code": exit_code,
        "layers": [_layer(layer) for layer in report.layers],
        "hosts": [
            {"address": host.address, "layers": [_layer(layer) for layer in host.layers]}
            for host in report.hosts
        ],
        "verdict": {"summary": report.summary, "error": error_document(report.error)},
    }


def _layer(layer: Layer) -> dict[str, Any]:
    assert layer.status is not None, "only a finished layer is reported"
    return {
        "name": layer.name.value,
        "status": layer.status.value,
        "duration_ms": round(layer.seconds * 1000, 1),
        "details": layer.details,
        "error": error_document(layer.error),
    }


def error_document(error: AtlasConnectError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    family = family_of(error)
    reason = getattr(error, "reason", None)
    return {
        "type": type(error).__name__,
        "family": family.value,
        "exit_code": family.exit_status,
        "reason": reason.value if isinstance(reason, Reason) else None,
        "found": error.found,
        "why": error.why,
        "fix": fix_for(error, "cli"),
    }


def explain_document(
    error: AtlasConnectError | None, status: int, summary: str, pasted: Pasted | None
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "atlasconnect_version": __version__,
        "recognised": error is not None,
        "exit_code": status,
        "summary": summary,
        "input": pasted.summary() if pasted is not None else None,
        "error": error_document(error),
    }
