"""The doctor's report as text: a line per layer, and the verdict.

One short line per check (``[  ok] TLS          host:port  TLS 1.3, verified
against certifi``), every column lined up, what the check found wrapped under
its own column; ``-v`` adds every detail beneath. The verdict: healthy, nothing
checked, or the failure's explanation, with what the server presented when a
TLS layer's verification failed. Laid out by :mod:`atlasconnect._render`'s
rules; nothing here writes: :mod:`atlasconnect._cli` prints the lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import certifi

from . import _certificate as certificate
from . import _environment_facts as environment_facts
from . import _phrasing as phrasing
from . import _render as render
from . import _shell as shell
from ._doctor_layers import Layer, LayerName, Report, Status
from ._render import Style

_ROOM = 30
"""The fewest columns a layer's summary needs beside its labels; with less, it goes under them."""

# Each status's tag and its colour (SGR code).
_TAGS: dict[Status, tuple[str, str]] = {
    Status.OK: ("  ok", "32"),
    Status.FAILED: ("FAIL", "31"),
}
TAG_WIDTH = len("[FAIL] ")
LABEL_WIDTH = max(len(name.label) for name in LayerName)
_DETAIL_INDENT = " " * (TAG_WIDTH + 2)
_RED = "31"


def layer_line(
    host: str | None, layer: Layer, style: Style, host_width: int, *, verbose: bool
) -> list[str]:
    """One check: ``[  ok] TLS          host:port  TLS 1.3, verified against certifi``.

    The host column of per-host checks starts where global checks' summaries
    do, and is ``host_width`` wide, so that every column lines up. When the
    summary has too little room beside the host (or a word of it, a path, would
    not fit whole there), it goes under the host. ``verbose`` adds every detail
    and the time the check took, one per line beneath.
    """
    text, color = _TAGS[layer.status] if layer.status is not None else ("....", "0")
    first = f"[{text}] {layer.name.label:<{LABEL_WIDTH}}  "
    column = " " * len(first)
    if host is not None:
        first += f"{render.printable(host):<{host_width}}  "
    said = summary(layer)
    room = style.width - len(first)
    # A global check's summary is already at the host column: under it is the same place.
    beside = host is None or room >= max([_ROOM, *map(len, said.split())])
    lines = [] if beside else [first.rstrip()]
    lines += render.block(
        said,
        style,
        first=first if beside else column,
        indent=" " * len(first) if beside else column,
        commands=False,
    )
    lines[0] = lines[0].replace(f"[{text}]", f"[{style.paint(text, color)}]", 1)
    if verbose:
        took = {"took": f"{layer.seconds * 1000:.1f} ms"}
        lines += render.detail_lines({**layer.details, **took}, style, _DETAIL_INDENT)
    return lines


def summary(layer: Layer) -> str:
    """What a layer found, in a few words; its details are under ``-v`` and in ``--json``."""
    if layer.error is not None:
        return f"{type(layer.error).__name__}: {layer.error.found}"
    d = layer.details
    match layer.name:
        case LayerName.ENVIRONMENT if layer.facts is not None:
            return environment_facts.summary(layer.facts)
        case LayerName.CONNECTION_STRING:
            return str(d.get("uri"))
        case LayerName.DNS if "addresses" in d:
            return "; ".join(f"{h} -> {', '.join(found)}" for h, found in d["addresses"].items())
        case LayerName.DNS if "srv_name" in d:
            targets = d.get("targets", [])
            txt = d.get("txt") or "none"
            return f"{len(targets)} hosts from SRV {d['srv_name']}; TXT {txt}"
        case LayerName.TCP:
            return f"connected to {d.get('peer')}"
        case LayerName.TLS:
            version = str(d.get("version", "")).replace("TLSv", "TLS ")
            system_store = " and the system store" if d.get("system_ca") else ""
            return f"{version}, verified against {_ca_name(d.get('ca_file'))}{system_store}"
        case LayerName.HELLO:
            replica_set = f" of replica set {d['replica_set']}" if d.get("replica_set") else ""
            return f"{d.get('role')}{replica_set}, wire version {d.get('max_wire_version')}"
        case LayerName.AUTHENTICATION:
            return f"user {d.get('user')}, authSource {d.get('auth_source')}"
        case LayerName.PING:
            round_trip = float(d.get("round_trip_seconds") or 0) * 1000
            return f"MongoDB {d.get('server_version')}, round trip {round_trip:.1f} ms"
    return ", ".join(f"{key} {value}" for key, value in d.items())


def _ca_name(path: Any) -> str:
    """``certifi`` for certifi's bundle (the usual case, and a long path), else the path."""
    return "certifi" if path == certifi.where() else str(path)


def verdict(report: Report, style: Style, *, nothing_checked: bool) -> list[str]:
    """The verdict: healthy, nothing checked, or the failure's why and fix.

    The failure's ``found`` is shown only when no FAIL line said it already
    (the hosts judged together say more than each host's line).
    """
    error = report.error
    if error is None and nothing_checked:
        return render.block(
            "Verdict: nothing checked beyond this machine. Give the connection string as the "
            "argument or in MONGODB_URI to check the cluster.",
            style,
        )
    if error is None:
        return render.block(f"Verdict: healthy. {report.summary}", style)
    said = {layer.error.found for layer in _all_layers(report) if layer.error is not None}
    head = f"Verdict: {style.paint(render.headline(error), _RED)}"
    evidence = tls_evidence(report)
    return [
        head,
        *render.explanation(error, style, show_found=error.found not in said, evidence=evidence),
    ]


def _all_layers(report: Report) -> list[Layer]:
    return [*report.layers, *(layer for host in report.hosts for layer in host.layers)]


_VALIDITY = {
    "valid": "within those dates",
    "expired": "after them: the certificate is expired by this clock",
    "not_yet_valid": "before them: the certificate is not yet valid by this clock",
}


def tls_evidence(report: Report) -> list[str]:
    """What the first failed TLS layer saw of the presented certificate, as sentences."""
    for host in report.hosts:
        for layer in host.layers:
            if layer.name is LayerName.TLS and "presented_certificate" in layer.details:
                return _evidence(host.address, layer.details)
    return []


def _evidence(address: str, details: Mapping[str, Any]) -> list[str]:
    """The sentences, from what the server presented: its certificate's words are the
    server's, so they are shown as prose (:func:`atlasconnect._shell.prose`), never as
    commands."""
    shown = details["presented_certificate"]
    clock = details.get("clock")
    address = shell.prose(address)
    if shown is None:
        return [
            f"The certificate {address} presented could not be read: a second connection failed."
        ]
    if not shown["decoded"]:
        install = phrasing.pip_install(f"'{certificate.DOCTOR_EXTRA}'")
        return [
            f"Here, {address} presented a certificate with SHA-256 {shown['sha256']}; to see its "
            f"issuer, dates and host names: {install}",
            *([f"This machine's clock reads {clock}."] if clock else []),
        ]
    issuer = shell.prose(str(shown["issuer"])).rstrip(".")
    sentences = [f"Here, {address} presented a certificate issued by {issuer}."]
    if shown["likely_interceptor"]:
        sentences.append(
            f"That issuer looks like {shown['likely_interceptor']}, a TLS-inspecting proxy or "
            "antivirus: it decrypts this machine's TLS traffic and re-signs it with its own CA."
        )
    if clock:
        sentences.append(
            f"It is valid from {shown['not_before']} to {shown['not_after']}, and this "
            f"machine's clock reads {clock}, {_VALIDITY[shown['validity']]}."
        )
    if "mismatch" in str(details.get("verify_message")).lower():
        names = ", ".join(map(shell.prose, shown["names"])) or "none (no subjectAltName)"
        sni = shell.prose(str(details.get("sni")))
        sentences.append(f"It covers {names}; the name asked for (SNI) was {sni}.")
    return sentences
