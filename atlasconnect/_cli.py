"""The ``atlasconnect`` command.

- ``atlasconnect`` (or ``python -m atlasconnect``): the environment report.
- ``atlasconnect doctor [URI] [--json] [--timeout SECONDS]``: every layer from
  this machine to the cluster, and which one is broken.
- ``atlasconnect explain [TEXT] [--file PATH] [--json]``: the explanation of an
  error message or traceback someone pasted.

Exit status: 0 when all is well, 3 when ``explain`` does not recognise the
text, 2 for a usage error, otherwise the exit status of the failure's family
(:class:`~atlasconnect.Family`, carried by each error class).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
import threading
import time
from typing import Any, TextIO

from . import __version__
from . import _connection_string as connection_string
from . import _doctor as doctor
from . import _environment as environment
from . import _tls as tls
from ._exceptions import AtlasConnectError, explanation, family_of, fix_for
from ._families import Family
from ._pasted import explain_text
from ._plan import check_environment

EXIT_OK = 0
EXIT_UNRECOGNISED = 3
"""``explain`` found no connection failure it knows in the text."""
EXIT_USAGE = 2
"""argparse's exit status for a bad command line."""
EXIT_ENVIRONMENT = Family.ENVIRONMENT.exit_status
"""The environment cannot reach Atlas safely (SNI, TLS versions, CA bundle, packages)."""

SCHEMA_VERSION = 1


def main(argv: list[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = argparse.ArgumentParser(
        prog="atlasconnect",
        description="Check that this Python can connect to MongoDB Atlas safely.",
    )
    parser.add_argument("--version", action="version", version=f"atlasconnect {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    doctor_parser = commands.add_parser(
        "doctor",
        help="check every layer from this machine to a cluster",
        description="Check every layer from this machine to a MongoDB cluster and say which "
        "one is broken: environment, connection string, DNS, then for every host at once "
        "TCP, TLS, hello, authentication and ping.",
    )
    doctor_parser.add_argument(
        "uri", nargs="?", help="the connection string (default: $MONGODB_URI)"
    )
    doctor_parser.add_argument("--json", action="store_true", help="print one JSON document")
    doctor_parser.add_argument(
        "--timeout",
        type=_timeout_seconds,
        default=doctor.DEFAULT_TIMEOUT,
        help=f"seconds each network step may take, above 0 and at most "
        f"{doctor.MAX_TIMEOUT:g} (default {doctor.DEFAULT_TIMEOUT:g})",
    )
    explain_parser = commands.add_parser(
        "explain",
        help="explain a pasted error message or traceback",
        description="Explain a MongoDB connection error from its text alone: a message or a "
        "whole traceback, as an argument, from a file, or piped in.",
    )
    explain_parser.add_argument("text", nargs="?", help="the error message or traceback")
    explain_parser.add_argument(
        "--file", metavar="PATH", help="read the text from PATH ('-': standard input)"
    )
    explain_parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    if args.command == "explain":
        return _explain(_pasted_text(explain_parser, args), as_json=args.json)
    if args.command == "doctor":
        uri = args.uri or connection_string.uri_from_environment()
        return _doctor(uri, as_json=args.json, timeout=args.timeout)
    return _environment_report()


def _pasted_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """The text to explain: the argument, the file, or standard input when it is piped.

    Never waits on a terminal: with nothing given and standard input a
    terminal, it is a usage error.
    """
    if args.text is not None and args.file is not None:
        parser.error("give the text or --file, not both")
    if args.text is not None:
        return str(args.text)
    if args.file not in (None, "-"):
        try:
            with open(args.file, encoding="utf-8", errors="replace") as file:
                return file.read()
        except OSError as exc:
            parser.error(f"cannot read {args.file}: {exc.strerror}")
    if args.file is None and sys.stdin.isatty():
        parser.error("give the error text as an argument, with --file PATH, or pipe it in")
    return sys.stdin.read()


def _explain(text: str, *, as_json: bool) -> int:
    error = explain_text(text)
    status = _exit_status(error) if error is not None else EXIT_UNRECOGNISED
    if as_json:
        document = {
            "schema_version": SCHEMA_VERSION,
            "atlasconnect_version": __version__,
            "recognised": error is not None,
            "exit_code": status,
            "error": _error(error),
        }
        print(json.dumps(document, indent=2))
    elif error is None:
        print(
            "atlasconnect explain: this text is not a MongoDB connection failure atlasconnect "
            'recognises.\n  To check the connection itself: atlasconnect doctor "$MONGODB_URI"'
        )
    else:
        family = family_of(error)
        print(
            f"atlasconnect explain: {type(error).__name__} "
            f"({family.value}, exit status {family.exit_status})\n  {_explained(error)}"
        )
    return status


def _explained(error: AtlasConnectError) -> str:
    """The error's message with its fix phrased for the command line (URI options)."""
    return explanation(error.found, error.why, fix_for(error, "cli"))


def _timeout_seconds(text: str) -> float:
    """``--timeout``: a number of seconds above 0 and at most ``doctor.MAX_TIMEOUT``."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= doctor.MAX_TIMEOUT:  # also false for NaN and infinities
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds above 0 and at most {doctor.MAX_TIMEOUT:g}, not {text!r}"
        )
    return seconds


def _environment_report() -> int:
    floor = tls.DEFAULT_MIN_TLS_VERSION
    lines = environment.report(floor)
    width = max(len(label) for label, _ in lines)
    print(f"atlasconnect {__version__}: environment report")
    for label, value in lines:
        print(f"  {label:<{width}}  {value}")
    try:
        check_environment(min_tls_version=floor)
    except AtlasConnectError as exc:
        print(f"\nThis environment is NOT fit for MongoDB Atlas: {type(exc).__name__}", flush=True)
        print(_explained(exc), file=sys.stderr)
        return EXIT_ENVIRONMENT
    print("\nThis environment is fit for MongoDB Atlas.")
    return EXIT_OK


def _doctor(uri: str | None, *, as_json: bool, timeout: float) -> int:
    # The doctor reports every failure itself; the per-client warnings would repeat them.
    logger = logging.getLogger("atlasconnect")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    if as_json:
        report = doctor.run(uri, timeout=timeout)
        print(json.dumps(_document(report), indent=2, default=str))
    else:
        printer = _TextPrinter(sys.stdout, timeout)
        printer.header(uri)
        with printer.waiting():
            report = doctor.run(uri, timeout=timeout, progress=printer.progress)
        printer.verdict(report)
    return _exit_status(report.error)


def _exit_status(error: AtlasConnectError | None) -> int:
    return family_of(error).exit_status if error else EXIT_OK


# JSON


def _document(report: doctor.Report) -> dict[str, Any]:
    exit_code = _exit_status(report.error)
    return {
        "schema_version": SCHEMA_VERSION,
        "atlasconnect_version": __version__,
        "uri": report.uri,
        "healthy": report.error is None,
        "exit_code": exit_code,
        "layers": [_layer(layer) for layer in report.layers],
        "hosts": [
            {"address": host.address, "layers": [_layer(layer) for layer in host.layers]}
            for host in report.hosts
        ],
        "verdict": {"summary": report.summary, "error": _error(report.error)},
    }


def _layer(layer: doctor.Layer) -> dict[str, Any]:
    return {
        "name": layer.name,
        "status": layer.status,
        "duration_ms": round(layer.seconds * 1000, 1),
        "details": layer.details,
        "error": _error(layer.error),
    }


def _error(error: AtlasConnectError | None) -> dict[str, Any] | None:
    if error is None:
        return None
    family = family_of(error)
    return {
        "type": type(error).__name__,
        "family": family.value,
        "exit_code": family.exit_status,
        "found": error.found,
        "why": error.why,
        "fix": fix_for(error, "cli"),
    }


# Text


_LABELS = {
    "environment": "environment",
    "connection_string": "connection string",
    "dns": "DNS",
    "tcp": "TCP connect",
    "tls": "TLS handshake",
    "hello": "MongoDB hello",
    "authentication": "authentication",
    "ping": "ping",
}
_STATUS = {"ok": ("  ok", "32"), "failed": ("FAIL", "31"), "skipped": ("skip", "33")}
_EVIDENCE_INDENT = " " * len("[FAIL] ")
_VALIDITY = {"valid": "within these dates", "expired": "EXPIRED", "not_yet_valid": "NOT YET VALID"}


class _TextPrinter:
    """Prints each layer as it completes; on a terminal, also what it is still waiting for."""

    def __init__(self, stream: TextIO, timeout: float) -> None:
        self.stream = stream
        self.timeout = timeout
        self.live = stream.isatty()
        self.color = (
            self.live and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        )
        self._lock = threading.Lock()
        self._running: dict[tuple[str | None, str], float] = {}
        self._done = threading.Event()

    def write(self, text: str) -> None:
        # A URI can hold what the stream cannot encode (a non-UTF-8 byte from argv):
        # print it escaped rather than fail.
        encoding = getattr(self.stream, "encoding", None) or "utf-8"
        text = text.encode(encoding, "backslashreplace").decode(encoding)
        with self._lock:
            print(text, file=self.stream, flush=True)

    def header(self, uri: str | None) -> None:
        target = "the environment only (no URI given, MONGODB_URI unset)" if uri is None else ""
        self.write(f"atlasconnect {__version__} doctor {target}".rstrip())

    def progress(self, host: str | None, layer: doctor.Layer) -> None:
        key = (host, layer.name)
        if layer.status == "running":
            with self._lock:
                self._running[key] = time.monotonic()
            return
        with self._lock:
            self._running.pop(key, None)
        label = _LABELS.get(layer.name, layer.name)
        status, color = _STATUS.get(layer.status, (layer.status, "0"))
        if self.color:
            status = f"\033[{color}m{status}\033[0m"
        where = f"{label:<17} {host}" if host else label
        self.write(f"[{status}] {where}  ({layer.seconds * 1000:.1f} ms)  {_summary(layer)}")
        for line in _evidence(layer):
            self.write(f"{_EVIDENCE_INDENT}{line}")

    def waiting(self) -> _Ticker:
        return _Ticker(self)

    def tick(self) -> None:
        now = time.monotonic()
        with self._lock:
            slow = [(key, now - start) for key, start in self._running.items() if now - start >= 1]
        for (host, name), elapsed in slow:
            where = f"{host} {_LABELS.get(name, name)}" if host else _LABELS.get(name, name)
            self.write(f"  ... waiting for {where}: {elapsed:.0f} s of at most {self.timeout:g} s")

    def verdict(self, report: doctor.Report) -> None:
        if report.error is None:
            self.write(f"\nVerdict: healthy. {report.summary}")
            return
        family = family_of(report.error)
        self.write(
            f"\nVerdict: {type(report.error).__name__} "
            f"({family.value}, exit status {family.exit_status})"
        )
        self.write(f"  {_explained(report.error)}")


class _Ticker:
    """While the doctor runs on a terminal, say every second what is still pending."""

    def __init__(self, printer: _TextPrinter) -> None:
        self.printer = printer
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Ticker:
        if self.printer.live:
            self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()

    def _run(self) -> None:
        while not self.stop.wait(1.0):
            self.printer.tick()


def _summary(layer: doctor.Layer) -> str:
    """One line of what a layer found, for people."""
    if layer.error is not None:
        return f"{type(layer.error).__name__}: {layer.error.found}"
    d = layer.details
    match layer.name:
        case "environment":
            keys = ("openssl", "tls_floor", "ca_bundle")
            return ", ".join(f"{k.replace('_', ' ')} {d[k]}" for k in keys if k in d)
        case "connection_string":
            return f"{d['uri']} -> {', '.join(map(str, d['hosts']))}"
        case "dns" if "addresses" in d:
            resolved = [f"{host} -> {', '.join(found)}" for host, found in d["addresses"].items()]
            return "; ".join(resolved)
        case "dns" if "srv_name" in d:
            return f"SRV {d['srv_name']}: {', '.join(d['targets'])}; TXT {d['txt']}"
        case "dns":
            return str(d["reason"])
        case "tcp":
            return f"connected to {d['peer']}"
        case "tls":
            return (
                f"{d['version']} {d['cipher']}, SNI {d['sni']}, subject {d['subject']}, "
                f"issuer {d['issuer']}, expires {d['expires']}, verified against {d['ca_file']}"
            )
        case "hello":
            replica_set = f" of replica set {d['replica_set']}" if d["replica_set"] else ""
            return f"{d['role']}{replica_set}, wire version {d['max_wire_version']}"
        case "authentication":
            return f"user {d['user']}, authSource {d['auth_source']}"
        case "ping":
            round_trip = float(d["round_trip_seconds"]) * 1000
            return f"MongoDB {d['server_version']}, round trip {round_trip:.1f} ms"
    return ""


def _evidence(layer: doctor.Layer) -> list[str]:
    """The lines under a TLS layer whose verification failed: what the server presented."""
    d = layer.details
    if layer.name != "tls" or "presented_certificate" not in d:
        return []
    shown = d["presented_certificate"]
    clock = [f"this machine's clock: {d['clock']}"] if "clock" in d else []
    if shown is None:
        return ["the presented certificate could not be read: a second connection failed", *clock]
    if not shown["decoded"]:
        return [
            f"presented certificate SHA-256 {shown['sha256']}; to see its subject, issuer, "
            "dates and host names: pip install 'atlasconnect[doctor]'",
            *clock,
        ]
    dates = f"valid from {shown['not_before']} to {shown['not_after']}"
    if clock:
        dates += f"; this machine's clock: {d['clock']} ({_VALIDITY[shown['validity']]})"
    names = ", ".join(shown["names"]) or "none (no subjectAltName)"
    lines = [
        f"presented certificate: subject {shown['subject']}",
        f"issuer {shown['issuer']}",
        dates,
        f"host names it covers: {names}; SNI sent: {d['sni']}",
    ]
    if shown["likely_interceptor"]:
        lines.append(
            f"the issuer looks like {shown['likely_interceptor']}, a TLS-inspecting proxy or "
            "antivirus: it decrypts this machine's TLS traffic and re-signs it with its own CA"
        )
    return lines
