"""The doctor's text as it runs: each layer's line when it completes, and on a terminal the
steps it is still waiting for.

Laid out by :mod:`atlasconnect._doctor_text`; the waiting lines are rewritten in
place only on a terminal that takes escape sequences
(:func:`atlasconnect._render.wants_escapes`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import TextIO

from . import __version__
from . import _doctor_text as doctor_text
from . import _render as render
from ._doctor_layers import Layer, LayerName, Report

WAITING_AFTER = 1.0
"""Seconds a step runs before its waiting line appears (on a terminal only)."""
_TICK = 0.1
"""How often the waiting lines are brought up to date: often enough to appear at 1 s, not 2."""
# Terminal control: to the start of the line, N lines up, erase to the end of the screen.
_START_OF_LINE, _UP, _ERASE_BELOW = "\r", "\033[{}A", "\033[J"


class TextPrinter:
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

    def waiting(self) -> Ticker:
        return Ticker(self)

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


class Ticker:
    """While the doctor runs on a terminal, keep the waiting lines up to date."""

    def __init__(self, printer: TextPrinter) -> None:
        self.printer = printer
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Ticker:
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
