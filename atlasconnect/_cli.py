"""The ``atlasconnect`` command.

- ``atlasconnect`` (or ``python -m atlasconnect``): the environment report.
- ``atlasconnect doctor [URI] [--json] [--timeout SECONDS] [-v] [--system-ca]
  [--dns-server IP[:PORT]]...``: every layer from this machine to the cluster, and
  which one is broken.
- ``atlasconnect resolve [URI] [--dns-server IP[:PORT]]... [--timeout SECONDS]``: the
  standard ``mongodb://`` connection string of a ``mongodb+srv://`` one.
- ``atlasconnect run [--min-tls-version V] [--print-env] -- COMMAND...``: a Python
  program run with every pymongo client under atlasconnect's policy; 127 when the
  command does not exist, 126 when it cannot be run, as a shell says.
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
except when it is the closed pipe.

Here: the command line, the commands, and how a run that cannot finish ends.
The text is laid out by :mod:`atlasconnect._render` (the doctor's lines by
:mod:`atlasconnect._doctor_text`, printed as it runs by
:mod:`atlasconnect._doctor_printer`); the JSON documents are
:mod:`atlasconnect._documents`'; the streams as the shell leaves them,
:mod:`atlasconnect._streams`'; the text ``explain`` reads,
:mod:`atlasconnect._pasted_input`'s.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import math
import os
import re
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from . import _connection_string as connection_string
from . import _dns_servers as dns_servers
from . import _doctor as doctor
from . import _doctor_printer as doctor_printer
from . import _documents as documents
from . import _environment_facts as environment_facts
from . import _injection as injection
from . import _pasted_input as pasted_input
from . import _phrasing as phrasing
from . import _render as render
from . import _resolve as resolve
from . import _run as run
from . import _seeds as seeds
from . import _streams as streams
from . import _system_ca as system_trust
from . import _tls as tls
from ._doctor_layers import HostReport, Layer, Report
from ._exceptions import AtlasConnectError, ConnectionStringError, family_of
from ._families import Family
from ._pasted import MAX_BYTES, explain_text
from ._pasted_input import Pasted
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
EXIT_COMMAND_NOT_FOUND = 127
"""``atlasconnect run``: the command does not exist, as a shell reports it."""

EXIT_NOT_RUN = 126
"""``atlasconnect run``: the command exists but cannot be run, as a shell reports it."""

EXIT_OUTPUT_CLOSED = 141
"""Standard output closed early (``| head``): 128 + SIGPIPE, as a shell reports ``cat`` then."""


def main(argv: list[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    A usage error raises :class:`SystemExit` (status 2), as argparse does;
    everything else that can go wrong is reported and becomes a status of
    the module docstring: the command never ends with a traceback.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    streams.replace_closed_streams()
    streams.tolerate_unencodable_output()
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
        if not streams.flushed():
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
    doctor_parser.add_argument(
        "--system-ca",
        action="store_true",
        default=None,
        help="also trust the operating system's trust store, as connect(system_ca=True) "
        f"does (default: ${system_trust.ENVIRONMENT_VARIABLE})",
    )
    _add_dns_server_option(doctor_parser)
    resolve_parser = commands.add_parser(
        "resolve",
        help="print the standard connection string of a mongodb+srv:// one",
        description="Look up the SRV and TXT records of a mongodb+srv:// connection string "
        "and print the equivalent standard mongodb:// string, which needs no SRV lookup: "
        "for networks whose DNS cannot answer SRV queries. The password is written "
        "<password>.",
    )
    resolve_parser.add_argument(
        "uri", nargs="?", help="the connection string (default: $MONGODB_URI)"
    )
    _add_dns_server_option(resolve_parser)
    run_parser = _add_run_parser(commands)
    resolve_parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_timeout_seconds,
        default=doctor.DEFAULT_TIMEOUT,
        help=f"seconds the lookups may take (default {doctor.DEFAULT_TIMEOUT:g})",
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
        session.pasted = pasted_input.pasted_text(explain_parser, args)
        return _explain(session.pasted, session, as_json=args.json, verbose=args.verbose)
    if args.command == "doctor":
        uri = args.uri or seeds.uri_from_environment()
        session.learn_uri(uri)
        return _doctor(
            uri,
            session,
            as_json=args.json,
            timeout=args.timeout,
            verbose=args.verbose,
            system_ca=args.system_ca,
            dns_servers=args.dns_server,
        )
    if args.command == "run":
        return _run_program(run_parser, args.command_line, args.min_tls_version, args.print_env)
    if args.command == "resolve":
        uri = args.uri or seeds.uri_from_environment()
        session.learn_uri(uri)
        return _resolve(uri, args.dns_server, args.timeout)
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
        self.printer: doctor_printer.TextPrinter | None = None
        self.pasted: Pasted | None = None
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
            return documents.explain_document(None, status, summary, self.pasted)
        document = documents.doctor_document(self.finished, status)
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
    streams.to_stderr(f"{start}{command}: {render.printable(summary)}")
    if session.as_json and not session.printed:
        try:
            print(documents.dumps(session.document(status, summary)))
            sys.stdout.flush()
        except BrokenPipeError:
            return _output_closed(session)
    return status


def _usage_error(session: _Session, usage: _UsageError) -> NoReturn:
    """argparse's usage message on stderr, as without ``--json``; with it, the document too."""
    if session.as_json:
        with contextlib.suppress(BrokenPipeError):
            print(documents.dumps(session.document(EXIT_USAGE, f"usage error: {usage.message}")))
        streams.flushed()
    said = render.printable(usage.message)  # argparse repeats arguments as they were written
    streams.to_stderr(f"{usage.parser.format_usage()}{usage.parser.prog}: error: {said}")
    raise SystemExit(EXIT_USAGE)


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


def _output_closed(session: _Session) -> int:
    """Standard output is a closed pipe: stop writing, and exit quietly."""
    if session.printer is not None:
        session.printer.silence()
    streams.discard_stdout()
    return EXIT_OUTPUT_CLOSED


def _explain(pasted: Pasted, session: _Session, *, as_json: bool, verbose: bool) -> int:
    text = pasted.decoded.text
    session.secrets = _secrets_in(text)
    error = explain_text(text)
    status = _exit_status(error) if error is not None else EXIT_UNRECOGNISED
    if as_json:
        summary = f"{type(error).__name__}: {error.found}" if error else _NOT_RECOGNISED
        print(documents.dumps(documents.explain_document(error, status, summary, pasted)))
        session.printed = True
    else:
        _say_how_it_was_read(pasted)
        print("\n".join(_explanation_lines(error, render.style_for(sys.stdout), verbose=verbose)))
    return status


def _say_how_it_was_read(pasted: Pasted) -> None:
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
        streams.to_stderr("\n".join(lines))


_NOT_RECOGNISED = "not a MongoDB connection failure atlasconnect recognises"


def _explanation_lines(
    error: AtlasConnectError | None, style: render.Style, *, verbose: bool
) -> list[str]:
    if error is None:
        return render.block(
            f"atlasconnect explain: this text is {_NOT_RECOGNISED}. To check the connection "
            f"itself: `{phrasing.DOCTOR_COMMAND}`",
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
    try:
        trust = system_trust.wanted(None)
    except AtlasConnectError:  # check_environment() below explains it
        trust = False
    lines = environment_facts.lines(environment_facts.gather(floor, system_ca=trust))
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
        streams.to_stderr("\n".join(render.explanation(exc, render.style_for(sys.stderr))))
        return EXIT_ENVIRONMENT
    print("\nThis environment is fit for MongoDB Atlas.")
    return EXIT_OK


def _add_run_parser(commands: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        "run",
        help="run a Python program with atlasconnect's policy on every MongoDB client",
        description="Run COMMAND (a Python program, or a script that starts one) so that "
        "every pymongo client it makes gets atlasconnect's policy, as "
        "atlasconnect.inject_into_pymongo() gives it: for code you cannot edit.",
    )
    parser.add_argument(
        "--min-tls-version",
        choices=[tls.version_name(v).removeprefix("TLS ") for v in tls.ALLOWED_MIN_TLS_VERSIONS],
        help="the TLS floor of every client (default: "
        f"${injection.MIN_TLS_VERSION_VARIABLE}, else 1.2)",
    )
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="print the environment variables that do the same for a process started by "
        "something else (a service manager), as shell export lines, and exit",
    )
    parser.add_argument("command_line", nargs=argparse.REMAINDER, metavar="-- COMMAND ...")
    return parser


def _run_program(
    parser: argparse.ArgumentParser,
    command_line: list[str],
    min_tls_version: str | None,
    print_env: bool,
) -> int:
    if print_env:
        print(run.exports(min_tls_version))
        return EXIT_OK
    command = command_line[1:] if command_line[:1] == ["--"] else command_line
    if not command:
        parser.error("a command to run is required: atlasconnect run -- python app.py")
    refused = run.refusal(command)
    if refused is not None:
        parser.error(refused)
    sys.stdout.flush()
    try:
        os.execvpe(command[0], command, run.environment(os.environ, min_tls_version))  # noqa: S606
    except OSError as exc:
        streams.to_stderr(f"atlasconnect run: {command[0]}: {exc.strerror}")
        return EXIT_COMMAND_NOT_FOUND if isinstance(exc, FileNotFoundError) else EXIT_NOT_RUN
    return EXIT_INTERNAL_ERROR  # execvpe returns only by raising


def _add_dns_server_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dns-server",
        metavar="IP[:PORT]",
        action="append",
        help="a DNS server for the SRV and TXT lookups, as connect(dns_servers=[...]) takes "
        f"them; repeat for more (default: ${dns_servers.ENVIRONMENT_VARIABLE}, else the "
        "system's configuration)",
    )


def _resolve(uri: str | None, servers: list[str] | None, timeout: float) -> int:
    if uri is None:
        streams.to_stderr(
            f"atlasconnect resolve: no connection string (give one, or set "
            f"{seeds.ENVIRONMENT_VARIABLE})"
        )
        return EXIT_NOTHING_CHECKED
    try:
        resolved = resolve.standard_connection_string(uri, servers, timeout)
    except AtlasConnectError as exc:
        explanation = render.explanation(exc, render.style_for(sys.stderr))
        streams.to_stderr("\n".join([f"atlasconnect resolve: {type(exc).__name__}", *explanation]))
        return _exit_status(exc)
    print(resolved.uri, flush=True)
    streams.to_stderr(
        f"# {resolved.hosts} hosts from SRV {resolved.srv_name}, asked of "
        f"{resolved.resolver}; write the password in place of <password>."
    )
    return EXIT_OK


def _doctor(
    uri: str | None,
    session: _Session,
    *,
    as_json: bool,
    timeout: float,
    verbose: bool,
    system_ca: bool | None,
    dns_servers: list[str] | None,
) -> int:
    # The doctor reports every failure itself; the per-client warnings would repeat them.
    logger = logging.getLogger("atlasconnect")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    run = functools.partial(
        doctor.run, uri, timeout=timeout, system_ca=system_ca, dns_servers=dns_servers
    )
    if as_json:
        report = run(progress=session.record)
        status = _doctor_status(report, uri)
        print(documents.dumps(documents.doctor_document(report, status)))
        session.printed = True
        return status
    printer = session.printer = doctor_printer.TextPrinter(sys.stdout, timeout, verbose=verbose)
    printer.header(uri)
    with printer.waiting():
        report = run(progress=printer.progress)
    printer.verdict(report, nothing_checked=uri is None)
    return _doctor_status(report, uri)


def _exit_status(error: AtlasConnectError | None) -> int:
    return family_of(error).exit_status if error else EXIT_OK


def _doctor_status(report: Report, uri: str | None) -> int:
    """The failure's status; else, without a connection string, "nothing checked"."""
    if report.error is None and uri is None:
        return EXIT_NOTHING_CHECKED
    return _exit_status(report.error)
