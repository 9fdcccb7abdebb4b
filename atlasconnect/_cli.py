"""The ``atlasconnect`` command.

- ``atlasconnect`` (or ``python -m atlasconnect``): the environment report.
- ``atlasconnect doctor [URI] [--json] [--timeout SECONDS] [-v]``: every layer
  from this machine to the cluster, and which one is broken.
- ``atlasconnect explain [TEXT] [--file PATH] [--json] [-v]``: the explanation of
  an error message or traceback someone pasted.

Exit status: 0 when all is well, 2 for a usage error, 3 when ``explain`` does
not recognise the text, 4 when ``doctor`` had no connection string to check,
otherwise the exit status of the failure's family
(:class:`~atlasconnect.Family`, carried by each error class). Three more
belong to the shell rather than to a cluster:

- 1 for an internal error, an exception atlasconnect did not foresee (a bug):
  Python's own status for an uncaught exception. One line on stderr names it,
  with any secret of the connection string replaced by ``****``.
- 130 when Ctrl-C (SIGINT) stopped it: 128 + 2, the status a shell reports for
  a program that SIGINT ended. One line on stderr says so; the doctor does not
  wait for the network steps still running.
- 141 when standard output was closed before everything was written
  (``atlasconnect doctor -v | head -1``): 128 + 13, the status a shell reports
  for a program that SIGPIPE ended, which is what ``head``'s other writers
  (``cat``, ``grep``) get, and which scripts under ``set -o pipefail`` already
  know to expect. Not 1: that would read as a bug in atlasconnect. Nothing is
  printed (the reader has gone), and standard output is pointed at the null
  device so that Python's own flush at exit does not fail again (the recipe of
  the Python documentation, "Note on SIGPIPE").

With ``--json``, standard output holds one JSON document whatever happens,
these three and usage errors included (its ``exit_code`` is the exit status),
except when it is the closed pipe. The text is laid out by
:mod:`atlasconnect._render`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import re
import stat
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, NoReturn, TextIO

from . import __version__
from . import _connection_string as connection_string
from . import _doctor as doctor
from . import _doctor_text as doctor_text
from . import _environment_facts as environment_facts
from . import _render as render
from . import _seeds as seeds
from . import _tls as tls
from ._doctor_layers import HostReport, Layer, LayerName, Report
from ._exceptions import AtlasConnectError, ConnectionStringError, family_of, fix_for
from ._families import Family
from ._pasted import MAX_BYTES, Decoded, byte_order_mark, decode, explain_text
from ._plan import check_environment

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

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

EXIT_INTERNAL_ERROR = 1
"""An exception atlasconnect did not foresee: a bug (Python's status for an uncaught one)."""
EXIT_INTERRUPTED = 130
"""Ctrl-C: 128 + SIGINT, as a shell reports a program that SIGINT ended."""
EXIT_OUTPUT_CLOSED = 141
"""Standard output closed early (``| head``): 128 + SIGPIPE, as a shell reports ``cat`` then."""

SCHEMA_VERSION = 1


def main(argv: list[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    A usage error raises :class:`SystemExit` (status 2), as argparse does;
    everything else that can go wrong is reported and becomes a status of
    the module docstring: the command never ends with a traceback.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    _replace_closed_streams()
    _tolerate_unencodable_output()
    session = _Session(argv)
    try:
        status = _run(argv, session)
        sys.stdout.flush()  # a closed pipe is found here, not at exit
    except BrokenPipeError:
        return _output_closed(session)
    except KeyboardInterrupt:
        return _stopped(session, EXIT_INTERRUPTED, "interrupted (Ctrl-C) before it finished")
    except _UsageError as usage:
        return _usage_error(session, usage)
    except SystemExit:  # --help and --version: what they printed must reach the pipe
        if not _flushed():
            return _output_closed(session)
        raise
    except Exception as exc:  # a bug: said in one line, never a traceback
        return _stopped(session, EXIT_INTERNAL_ERROR, _internal_error(exc, session))
    return status


def _run(argv: list[str], session: _Session) -> int:
    parser = _Parser(
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
        session.pasted = _pasted_text(explain_parser, args)
        return _explain(session.pasted, session, as_json=args.json, verbose=args.verbose)
    if args.command == "doctor":
        uri = args.uri or seeds.uri_from_environment()
        session.learn_uri(uri)
        return _doctor(uri, session, as_json=args.json, timeout=args.timeout, verbose=args.verbose)
    return _environment_report()


# What the shell can do to a run: close its output, interrupt it; and the unforeseen.


class _UsageError(Exception):
    """argparse's complaint about the command line, raised so that ``--json`` can report it."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser
        self.message = message


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors are raised (:class:`_UsageError`), not printed,
    and whose ``--help`` and ``--version`` notice a closed pipe (argparse ignores OSError)."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(self, message)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            (file or sys.stderr).write(message)


class _Session:
    """What one run knows so far, to report a run that cannot finish normally.

    The command and ``--json`` are read from the command line as written,
    since a usage error means that argparse could not read it.
    """

    def __init__(self, argv: list[str]) -> None:
        options = argv[: argv.index("--")] if "--" in argv else argv
        command = next((arg for arg in options if not arg.startswith("-")), None)
        self.command = command if command in ("doctor", "explain") else None
        self.as_json = self.command is not None and "--json" in options
        self.uri: str | None = None
        """The connection string, redacted."""
        self.secrets: tuple[str, ...] = ()
        self.finished = Report(uri=None)
        """The doctor's layers that have finished, for a run that is interrupted."""
        self.printer: _TextPrinter | None = None
        self.pasted: _Pasted | None = None
        """The text ``explain`` read, and how."""
        self.printed = False
        """Whether the JSON document is out: nothing may follow it."""

    def learn_uri(self, uri: str | None) -> None:
        """Remember the connection string's secrets and its redacted form, if it can be read."""
        if uri is None:
            return
        try:
            parsed = connection_string.parse(uri)
        except ConnectionStringError as error:  # refused: shown as the refusal shows it
            self.uri = error.redacted_uri or _HIDDEN_URI
            return
        except Exception:  # unreadable: a placeholder, never the text as written
            self.uri = _HIDDEN_URI
            return
        self.uri, self.secrets = parsed.redacted, parsed.secrets

    def record(self, host: str | None, layer: Layer) -> None:
        """A :data:`doctor.Progress`: keep each layer as it finishes."""
        if layer.status is None:  # started, not finished
            return
        if host is None:
            self.finished.layers.append(layer)
            return
        for report in self.finished.hosts:
            if report.address == host:
                report.layers.append(layer)
                return
        self.finished.hosts.append(HostReport(host, [layer]))

    def document(self, status: int, summary: str) -> dict[str, Any]:
        """The JSON document of a run that did not finish normally."""
        if self.command == "explain":
            return _explain_document(None, status, summary, self.pasted)
        document = _document(self.finished, status)
        document["uri"] = self.uri
        document["verdict"] = {"summary": summary, "error": None}
        return document


_HIDDEN_URI = "<connection string, redacted>"


def _stopped(session: _Session, status: int, summary: str) -> int:
    """Report a run that ends early: one line on stderr, and the JSON document if asked for."""
    if session.printer is not None:
        session.printer.silence()  # hosts still being checked print nothing more
    command = f"atlasconnect {session.command}" if session.command else "atlasconnect"
    # On a terminal, from the start of the line: over the "^C" it echoed.
    start = "\r" if render.is_terminal(sys.stderr) else ""
    _to_stderr(f"{start}{command}: {render.printable(summary)}")
    if session.as_json and not session.printed:
        try:
            print(_json(session.document(status, summary)))
            sys.stdout.flush()
        except BrokenPipeError:
            return _output_closed(session)
    return status


def _usage_error(session: _Session, usage: _UsageError) -> NoReturn:
    """argparse's usage message on stderr, as without ``--json``; with it, the document too."""
    if session.as_json:
        with contextlib.suppress(BrokenPipeError):
            print(_json(session.document(EXIT_USAGE, f"usage error: {usage.message}")))
        _flushed()
    with contextlib.suppress(OSError):
        usage.parser.print_usage(sys.stderr)
    said = render.printable(usage.message)  # argparse repeats arguments as they were written
    try:
        usage.parser.exit(EXIT_USAGE, f"{usage.parser.prog}: error: {said}\n")
    except OSError:
        raise SystemExit(EXIT_USAGE) from None


def _internal_error(exc: Exception, session: _Session) -> str:
    """What an unforeseen exception says, every secret it may hold hidden: those of the
    connection string, and those of any connection string in its own text."""
    said = str(exc)
    secrets = session.secrets + _secrets_in(said)
    said = _URI.sub(lambda match: connection_string.redacted_form(match.group()), said)
    said = connection_string.redact(said, secrets)
    return (
        f"internal error, a bug in atlasconnect {__version__}: {type(exc).__name__}: {said} "
        "(please report it with this line and the command you ran)"
    )


_URI = re.compile(r"mongodb(?:\+srv)?://[^\s'\"<>]+")


def _secrets_in(text: str) -> tuple[str, ...]:
    """The secrets of every connection string in ``text`` that can be read."""
    secrets: tuple[str, ...] = ()
    for match in _URI.finditer(text):
        with contextlib.suppress(Exception):  # unreadable: redacted_form hides it whole
            secrets += connection_string.parse(match.group()).secrets
    return secrets


def _to_stderr(text: str) -> None:
    """Write a line (or lines) to stderr, if it can be written: a closed stderr (a pipe
    whose reader has gone) changes neither what reaches stdout nor the exit status."""
    try:
        sys.stderr.write(f"{text}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        # What stayed in the buffer would fail again at exit: Python 3.10 then exits 120.
        _discard(sys.stderr)


def _output_closed(session: _Session) -> int:
    """Standard output is a closed pipe: stop writing, and exit quietly."""
    if session.printer is not None:
        session.printer.silence()
    _discard_stdout()
    return EXIT_OUTPUT_CLOSED


def _flushed() -> bool:
    """Flush standard output; False (and the output discarded) if it is a closed pipe."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return False
    return True


def _discard_stdout() -> None:
    _discard(sys.stdout)


def _discard(stream: TextIO) -> None:
    """Point ``stream``'s file descriptor at the null device.

    What is still in Python's buffer then goes nowhere at exit, instead of
    failing again with "Exception ignored ... BrokenPipeError" (the recipe of
    the ``signal`` module's documentation, "Note on SIGPIPE").
    """
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a file: nothing flushes it at exit
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


def _replace_closed_streams() -> None:
    """A standard stream the shell closed (``>&-``, ``2>&-``) is None in Python: what
    would go there goes to the null device, as the user asked, and the run keeps its
    own exit status (``cat`` fails with EBADF instead; atlasconnect's status is its
    verdict, which a script may still want)."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _tolerate_unencodable_output() -> None:
    """Print what the streams cannot encode as escapes (``\\udcff``), rather than fail.

    A connection string or a pasted text can hold what the terminal's
    encoding cannot (a non-UTF-8 byte from argv, a character beyond ASCII).
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


class _Pasted(NamedTuple):
    """The text to explain, and how it was read (``--json``'s ``input``)."""

    decoded: Decoded
    truncated: bool
    """Whether the text was longer than :data:`~atlasconnect._pasted.MAX_BYTES`."""

    def summary(self) -> dict[str, Any]:
        return {
            "encoding": self.decoded.encoding,
            "replaced": self.decoded.replaced,
            "truncated": self.truncated,
        }


def _pasted_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> _Pasted:
    """The text to explain: the argument, the file, or standard input when it is piped.

    Read as bytes, whatever their encoding (:func:`atlasconnect._pasted.decode`),
    and at most :data:`~atlasconnect._pasted.MAX_BYTES` of them. Never waits on
    a terminal: with nothing given and standard input a terminal, it is a
    usage error.
    """
    if args.text is not None and args.file is not None:
        parser.error("give the text or --file, not both")
    if args.text is not None:
        # As the bytes the shell passed (argv is decoded with surrogateescape).
        return _Pasted(decode(os.fsencode(str(args.text))), truncated=False)
    if args.file not in (None, "-"):
        try:
            with open(args.file, "rb") as file:
                return _read(file)
        except OSError as exc:
            parser.error(f"cannot read {args.file}: {exc.strerror or exc}")
    if args.file is None and (sys.stdin is None or sys.stdin.isatty()):  # None: `<&-`
        parser.error("give the error text as an argument, with --file PATH, or pipe it in")
    if sys.stdin is None:  # --file - with standard input closed: nothing to read
        return _Pasted(decode(b""), truncated=False)
    stdin = getattr(sys.stdin, "buffer", None)
    if stdin is None:  # a text stream in place of standard input (tests, embedding)
        return _Pasted(decode(sys.stdin.read().encode("utf-8", "surrogateescape")), False)
    return _read(stdin)


def _read(file: BinaryIO) -> _Pasted:
    """At most MAX_BYTES of ``file``: its end if it is a longer regular file, else its start."""
    data = file.read(MAX_BYTES + 1)
    if len(data) <= MAX_BYTES:
        return _Pasted(decode(data), truncated=False)
    try:
        regular = stat.S_ISREG(os.fstat(file.fileno()).st_mode)
    except (OSError, ValueError):
        regular = False
    if not regular:  # a stream may never end (/dev/zero): its start
        return _Pasted(decode(data[:MAX_BYTES]), truncated=True)
    bom = byte_order_mark(data)
    size = file.seek(0, os.SEEK_END)
    start = -(-(size - MAX_BYTES) // 4) * 4  # a multiple of 4: whole UTF-16 and UTF-32 units
    file.seek(start)
    tail = file.read(MAX_BYTES)
    if not bom:  # UTF-8: not from the middle of a character
        tail = tail.lstrip(_CONTINUATION_BYTES)
    return _Pasted(decode(bom + tail), truncated=True)


_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
"""The bytes that continue a UTF-8 character, and cannot start one."""


def _explain(pasted: _Pasted, session: _Session, *, as_json: bool, verbose: bool) -> int:
    text = pasted.decoded.text
    session.secrets = _secrets_in(text)
    error = explain_text(text)
    status = _exit_status(error) if error is not None else EXIT_UNRECOGNISED
    if as_json:
        summary = f"{type(error).__name__}: {error.found}" if error else _NOT_RECOGNISED
        print(_json(_explain_document(error, status, summary, pasted)))
        session.printed = True
    else:
        _say_how_it_was_read(pasted)
        print("\n".join(_explanation_lines(error, render.style_for(sys.stdout), verbose=verbose)))
    return status


def _say_how_it_was_read(pasted: _Pasted) -> None:
    """On stderr, so that stdout stays the explanation: what of the text was not read."""
    said = []
    if pasted.decoded.replaced:
        said.append(
            f"the text is not valid {pasted.decoded.encoding.upper()}: the bytes that are not "
            "were read as U+FFFD, and the rest is explained"
        )
    if pasted.truncated:
        said.append(
            f"the text is longer than {MAX_BYTES // 1024} KiB: only that much of it was read "
            "(the end of a file, the start of a stream)"
        )
    for sentence in said:
        lines = render.block(f"atlasconnect explain: {sentence}.", render.style_for(sys.stderr))
        _to_stderr("\n".join(lines))


_NOT_RECOGNISED = "not a MongoDB connection failure atlasconnect recognises"


def _explain_document(
    error: AtlasConnectError | None, status: int, summary: str, pasted: _Pasted | None
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "atlasconnect_version": __version__,
        "recognised": error is not None,
        "exit_code": status,
        "summary": summary,
        "input": pasted.summary() if pasted is not None else None,
        "error": _error(error),
    }


def _explanation_lines(
    error: AtlasConnectError | None, style: render.Style, *, verbose: bool
) -> list[str]:
    if error is None:
        return render.block(
            f"atlasconnect explain: this text is {_NOT_RECOGNISED}. To check the connection "
            'itself: `atlasconnect doctor "$MONGODB_URI"`',
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
    lines = environment_facts.lines(environment_facts.gather(floor))
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
        _to_stderr("\n".join(render.explanation(exc, render.style_for(sys.stderr))))
        return EXIT_ENVIRONMENT
    print("\nThis environment is fit for MongoDB Atlas.")
    return EXIT_OK


def _doctor(
    uri: str | None, session: _Session, *, as_json: bool, timeout: float, verbose: bool
) -> int:
    # The doctor reports every failure itself; the per-client warnings would repeat them.
    logger = logging.getLogger("atlasconnect")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    if as_json:
        report = doctor.run(uri, timeout=timeout, progress=session.record)
        status = _doctor_status(report, uri)
        print(_json(_document(report, status)))
        session.printed = True
        return status
    printer = session.printer = _TextPrinter(sys.stdout, timeout, verbose=verbose)
    printer.header(uri)
    with printer.waiting():
        report = doctor.run(uri, timeout=timeout, progress=printer.progress)
    printer.verdict(report, nothing_checked=uri is None)
    return _doctor_status(report, uri)


def _exit_status(error: AtlasConnectError | None) -> int:
    return family_of(error).exit_status if error else EXIT_OK


def _doctor_status(report: Report, uri: str | None) -> int:
    """The failure's status; else, without a connection string, "nothing checked"."""
    if report.error is None and uri is None:
        return EXIT_NOTHING_CHECKED
    return _exit_status(report.error)


# JSON


def _json(document: dict[str, Any]) -> str:
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


def _document(report: Report, exit_code: int) -> dict[str, Any]:
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


def _layer(layer: Layer) -> dict[str, Any]:
    assert layer.status is not None, "only a finished layer is reported"
    return {
        "name": layer.name.value,
        "status": layer.status.value,
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


WAITING_AFTER = 1.0
"""Seconds a step runs before its waiting line appears (on a terminal only)."""
_TICK = 0.1
"""How often the waiting lines are brought up to date: often enough to appear at 1 s, not 2."""
# Terminal control: to the start of the line, N lines up, erase to the end of the screen.
_START_OF_LINE, _UP, _ERASE_BELOW = "\r", "\033[{}A", "\033[J"


class _TextPrinter:
    """Prints each layer as it completes; on a terminal, also what it is still waiting for.

    On a terminal that takes escape sequences (:func:`atlasconnect._render.
    wants_escapes`) the waiting lines (one per pending step, so one per host at
    most) stay at the bottom and are rewritten in place: erased, then drawn
    again after each new layer line and each time their seconds change. On one
    that takes none (``TERM=dumb``, ``NO_COLOR``), each is printed once, as a
    plain line. Into a pipe or a file, none is.
    """

    def __init__(self, stream: TextIO, timeout: float, *, verbose: bool) -> None:
        self.stream = stream
        self.timeout = timeout
        self.verbose = verbose
        self.on_terminal = render.is_terminal(stream)
        self.live = self.on_terminal and render.wants_escapes(stream)
        """Whether the waiting lines are rewritten in place."""
        self.style = render.style_for(stream)
        self._lock = threading.Lock()
        self._running: dict[tuple[str | None, LayerName], float] = {}
        self._announced: set[tuple[str | None, LayerName]] = set()
        self._host_width = 0
        self._waiting: list[str] = []
        self._silent = False

    def header(self, uri: str | None) -> None:
        if uri is None:
            said = (
                "no connection string given (no argument, and MONGODB_URI is unset or "
                "empty), so it checks only this machine's environment."
            )
        else:
            said = "checking each layer from this machine to the cluster."
        self._emit(render.block(f"atlasconnect {__version__} doctor: {said}", self.style))

    def progress(self, host: str | None, layer: Layer) -> None:
        key = (host, layer.name)
        if layer.status is None:  # started
            with self._lock:
                self._running[key] = time.monotonic()
            return
        with self._lock:
            self._running.pop(key, None)
        if host is None:
            self._learn_hosts(layer)
        self._emit(
            doctor_text.layer_line(host, layer, self.style, self._host_width, verbose=self.verbose)
        )

    def _learn_hosts(self, layer: Layer) -> None:
        """The width of the host column, from the hosts a global layer names."""
        d = layer.details
        hosts = d.get("targets") or [*d.get("addresses", {}), *d.get("unresolved", {})]
        hosts = hosts or d.get("hosts") or []
        if hosts:
            self._host_width = max(len(render.printable(str(host))) for host in hosts)

    def verdict(self, report: Report, *, nothing_checked: bool) -> None:
        self._emit(["", *doctor_text.verdict(report, self.style, nothing_checked=nothing_checked)])

    def waiting(self) -> _Ticker:
        return _Ticker(self)

    def tick(self) -> None:
        """Redraw the waiting lines if what they say changed; without escape sequences,
        print each new one once."""
        with self._lock:
            if not self.live:
                new = [
                    (key, where) for key, where, _ in self._overdue() if key not in self._announced
                ]
                self._announced.update(key for key, _ in new)
                at_most = f"at most {self.timeout:g} s"
                self._write("".join(f"... waiting for {where}, {at_most}\n" for _, where in new))
                return
            lines = self._waiting_lines()
            if lines != self._waiting:
                self._erase_waiting()
                self._draw_waiting(lines)

    def _overdue(self) -> list[tuple[tuple[str | None, LayerName], str, float]]:
        """Each step running for WAITING_AFTER seconds or more: its key, what it is, how long."""
        now = time.monotonic()
        overdue = []
        for (host, name), start in self._running.items():
            if now - start >= WAITING_AFTER:
                where = f"{render.printable(host)} {name.waiting}" if host else name.waiting
                overdue.append(((host, name), where, now - start))
        return overdue

    def _waiting_lines(self) -> list[str]:
        lines = []
        for _, where, elapsed in self._overdue():
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
        if self._silent:
            return
        # A URI can hold what the stream cannot encode (a non-UTF-8 byte from argv):
        # print it escaped rather than fail.
        encoding = getattr(self.stream, "encoding", None) or "utf-8"
        try:
            self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
            self.stream.flush()
        except BrokenPipeError:
            # The reader has gone: the caller stops (141); the hosts still being
            # checked in other threads print nothing more.
            self._silent = True
            raise

    def silence(self) -> None:
        """Print nothing more: the run is over (interrupted, or its reader gone)."""
        self._silent = True

    def finish(self) -> None:
        with self._lock, contextlib.suppress(OSError):  # erasing is cosmetic
            self._erase_waiting()


class _Ticker:
    """While the doctor runs on a terminal, keep the waiting lines up to date."""

    def __init__(self, printer: _TextPrinter) -> None:
        self.printer = printer
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Ticker:
        if self.printer.on_terminal:
            self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join()
        self.printer.finish()

    def _run(self) -> None:
        try:
            while not self.stop.wait(_TICK):
                self.printer.tick()
        except OSError:  # the terminal has gone (EIO): nothing more can be shown
            self.printer.silence()
