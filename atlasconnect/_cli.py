"""The ``atlasconnect`` command.

- ``atlasconnect`` (or ``python -m atlasconnect``): the environment report.
- ``atlasconnect doctor [URI] [--json] [--timeout SECONDS] [-v]``: every layer
  from this machine to the cluster, and which one is broken.
- ``atlasconnect explain [TEXT] [--file PATH] [--json] [-v]``: the explanation of
  an error message or traceback someone pasted.

Exit status: 0 when all is well, 2 for a usage error, 3 when ``explain`` does
not recognise the text, 4 when ``doctor`` had no connection string to check,
otherwise the exit status of the failure's family
(:class:`~atlasconnect.Family`, carried by each error class). The text is laid
out by :mod:`atlasconnect._render`.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import threading
import time
from typing import Any, TextIO

from . import __version__
from . import _connection_string as connection_string
from . import _doctor as doctor
from . import _environment as environment
from . import _render as render
from . import _tls as tls
from ._exceptions import AtlasConnectError, family_of, fix_for
from ._families import Family
from ._pasted import explain_text
from ._plan import check_environment

EXIT_OK = 0
EXIT_UNRECOGNISED = 3
"""``explain`` found no connection failure it knows in the text."""
EXIT_USAGE = 2
"""argparse's exit status for a bad command line."""
EXIT_NOTHING_CHECKED = 4
"""``doctor`` had no connection string (no argument; ``MONGODB_URI`` unset or empty).

It checked this machine's environment only, so it cannot call anything
healthy: a CI job whose secret is missing must not pass.
"""
EXIT_ENVIRONMENT = Family.ENVIRONMENT.exit_status
"""The environment cannot reach Atlas safely (SNI, TLS versions, CA bundle, packages)."""

SCHEMA_VERSION = 1


def main(argv: list[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = argparse.ArgumentParser(
        prog="atlasconnect",
        description="Check that this Python can connect to MongoDB Atlas safely. Without a "
        "command, print the environment report: Python, OpenSSL, TLS, the CA bundle, packages.",
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
    doctor_parser.add_argument(
        "--json", action="store_true", help="print one JSON document (with every detail)"
    )
    doctor_parser.add_argument(
        "-v", "--verbose", action="store_true", help="show every detail under each check"
    )
    doctor_parser.add_argument(
        "--timeout",
        metavar="SECONDS",
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
    explain_parser.add_argument(
        "-v", "--verbose", action="store_true", help="also show the error's other attributes"
    )
    args = parser.parse_args(argv)
    if args.command == "explain":
        text = _pasted_text(explain_parser, args)
        return _explain(text, as_json=args.json, verbose=args.verbose)
    if args.command == "doctor":
        uri = args.uri or connection_string.uri_from_environment()
        return _doctor(uri, as_json=args.json, timeout=args.timeout, verbose=args.verbose)
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


def _explain(text: str, *, as_json: bool, verbose: bool) -> int:
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
    else:
        print("\n".join(_explanation_lines(error, render.style_for(sys.stdout), verbose=verbose)))
    return status


def _explanation_lines(
    error: AtlasConnectError | None, style: render.Style, *, verbose: bool
) -> list[str]:
    if error is None:
        return render.block(
            "atlasconnect explain: this text is not a MongoDB connection failure atlasconnect "
            'recognises. To check the connection itself: `atlasconnect doctor "$MONGODB_URI"`',
            style,
        )
    lines = render.block(f"atlasconnect explain: {render.headline(error)}", style)
    lines += render.explanation(error, style)
    return lines + (render.error_details(error, style) if verbose else [])


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
    style = render.style_for(sys.stdout)
    print(f"atlasconnect {__version__}: environment report")
    for label, value in lines:
        first = f"  {label:<{width}}  "
        # Facts about this machine (paths, versions) are text, never commands.
        block = render.block(value, style, first=first, indent=" " * len(first), commands=False)
        print("\n".join(block))
    try:
        check_environment(min_tls_version=floor)
    except AtlasConnectError as exc:
        print(f"\nThis environment is NOT fit for MongoDB Atlas: {type(exc).__name__}", flush=True)
        print("\n".join(render.explanation(exc, render.style_for(sys.stderr))), file=sys.stderr)
        return EXIT_ENVIRONMENT
    print("\nThis environment is fit for MongoDB Atlas.")
    return EXIT_OK


def _doctor(uri: str | None, *, as_json: bool, timeout: float, verbose: bool) -> int:
    # The doctor reports every failure itself; the per-client warnings would repeat them.
    logger = logging.getLogger("atlasconnect")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    if as_json:
        report = doctor.run(uri, timeout=timeout)
        status = _doctor_status(report, uri)
        print(json.dumps(_document(report, status), indent=2, default=str))
        return status
    printer = _TextPrinter(sys.stdout, timeout, verbose=verbose)
    printer.header(uri)
    with printer.waiting():
        report = doctor.run(uri, timeout=timeout, progress=printer.progress)
    printer.verdict(report, nothing_checked=uri is None)
    return _doctor_status(report, uri)


def _exit_status(error: AtlasConnectError | None) -> int:
    return family_of(error).exit_status if error else EXIT_OK


def _doctor_status(report: doctor.Report, uri: str | None) -> int:
    """The failure's status; else, without a connection string, "nothing checked"."""
    if report.error is None and uri is None:
        return EXIT_NOTHING_CHECKED
    return _exit_status(report.error)


# JSON


def _document(report: doctor.Report, exit_code: int) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "atlasconnect_version": __version__,
        "uri": report.uri,
        "healthy": exit_code == EXIT_OK,
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


# What the waiting line says each step is.
_STEPS = {
    "environment": "the environment checks",
    "connection_string": "the connection string checks",
    "dns": "DNS",
    "tcp": "TCP connect",
    "tls": "TLS handshake",
    "hello": "MongoDB hello",
    "authentication": "login",
    "ping": "ping",
}
WAITING_AFTER = 1.0
"""Seconds a step runs before its waiting line appears (on a terminal only)."""
_TICK = 0.1
"""How often the waiting lines are brought up to date: often enough to appear at 1 s, not 2."""
# Terminal control: to the start of the line, N lines up, erase to the end of the screen.
_START_OF_LINE, _UP, _ERASE_BELOW = "\r", "\033[{}A", "\033[J"


class _TextPrinter:
    """Prints each layer as it completes; on a terminal, also what it is still waiting for.

    The waiting lines (one per pending step, so one per host at most) stay at
    the bottom and are rewritten in place: erased, then drawn again after each
    new layer line and each time their seconds change.
    """

    def __init__(self, stream: TextIO, timeout: float, *, verbose: bool) -> None:
        self.stream = stream
        self.timeout = timeout
        self.verbose = verbose
        self.live = stream.isatty()
        self.style = render.style_for(stream)
        self._lock = threading.Lock()
        self._running: dict[tuple[str | None, str], float] = {}
        self._host_width = 0
        self._waiting: list[str] = []

    def header(self, uri: str | None) -> None:
        if uri is None:
            said = (
                "no connection string given (no argument, and MONGODB_URI is unset or "
                "empty), so it checks only this machine's environment."
            )
        else:
            said = "checking each layer from this machine to the cluster."
        self._emit(render.block(f"atlasconnect {__version__} doctor: {said}", self.style))

    def progress(self, host: str | None, layer: doctor.Layer) -> None:
        key = (host, layer.name)
        if layer.status == "running":
            with self._lock:
                self._running[key] = time.monotonic()
            return
        with self._lock:
            self._running.pop(key, None)
        if host is None:
            self._learn_hosts(layer)
        self._emit(
            render.layer_line(host, layer, self.style, self._host_width, verbose=self.verbose)
        )

    def _learn_hosts(self, layer: doctor.Layer) -> None:
        """The width of the host column, from the hosts a global layer names."""
        d = layer.details
        hosts = d.get("targets") or [*d.get("addresses", {}), *d.get("unresolved", {})]
        hosts = hosts or d.get("hosts") or []
        if hosts:
            self._host_width = max(len(str(host)) for host in hosts)

    def verdict(self, report: doctor.Report, *, nothing_checked: bool) -> None:
        self._emit(["", *render.verdict(report, self.style, nothing_checked=nothing_checked)])

    def waiting(self) -> _Ticker:
        return _Ticker(self)

    def tick(self) -> None:
        """Redraw the waiting lines if what they say changed."""
        with self._lock:
            lines = self._waiting_lines()
            if lines != self._waiting:
                self._erase_waiting()
                self._draw_waiting(lines)

    def _waiting_lines(self) -> list[str]:
        now = time.monotonic()
        lines = []
        for (host, name), start in self._running.items():
            elapsed = now - start
            if elapsed >= WAITING_AFTER:
                step = _STEPS.get(name, name)
                where = f"{host} {step}" if host else step
                line = f"... waiting for {where}: {int(elapsed)} s of at most {self.timeout:g} s"
                lines.append(line[: self.style.width - 1])  # one row each, or the erase miscounts
        return lines

    def _emit(self, lines: list[str]) -> None:
        """Print ``lines`` above the waiting lines."""
        with self._lock:
            self._erase_waiting()
            self._write("".join(f"{line}\n" for line in lines))
            self._draw_waiting(self._waiting_lines() if self.live else [])

    def _erase_waiting(self) -> None:
        if self._waiting:
            up = _UP.format(len(self._waiting) - 1) if len(self._waiting) > 1 else ""
            self._write(f"{_START_OF_LINE}{up}{_ERASE_BELOW}")
            self._waiting = []

    def _draw_waiting(self, lines: list[str]) -> None:
        if lines:
            self._write("\n".join(lines))  # no newline after: the cursor stays on the last
            self._waiting = lines

    def _write(self, text: str) -> None:
        # A URI can hold what the stream cannot encode (a non-UTF-8 byte from argv):
        # print it escaped rather than fail.
        encoding = getattr(self.stream, "encoding", None) or "utf-8"
        self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        self.stream.flush()

    def finish(self) -> None:
        with self._lock:
            self._erase_waiting()


class _Ticker:
    """While the doctor runs on a terminal, keep the waiting lines up to date."""

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
        self.printer.finish()

    def _run(self) -> None:
        while not self.stop.wait(_TICK):
            self.printer.tick()
