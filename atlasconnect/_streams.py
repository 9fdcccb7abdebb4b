"""The standard streams as a shell may leave them: closed, a pipe whose reader has gone, an
encoding that cannot hold every character.

A stream the shell closed (``>&-``) goes to the null device; a note on a closed
stderr is dropped, not an error; a stream whose pipe closed is pointed at the
null device, so that Python's own flush at exit does not fail again; what a
stream cannot encode is written escaped. The exit statuses these lead to are
:mod:`atlasconnect._cli`'s.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TextIO


def to_stderr(text: str) -> None:
    """Write a line (or lines) to stderr, if it can be written: a closed stderr (a pipe
    whose reader has gone) changes neither what reaches stdout nor the exit status."""
    try:
        sys.stderr.write(f"{text}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        # What stayed in the buffer would fail again at exit: Python 3.10 then exits 120.
        discard(sys.stderr)


def flushed() -> bool:
    """Flush standard output; False (and the output discarded) if it is a closed pipe."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        discard_stdout()
        return False
    return True


def discard_stdout() -> None:
    discard(sys.stdout)


def discard(stream: TextIO) -> None:
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


def replace_closed_streams() -> None:
    """A standard stream the shell closed (``>&-``, ``2>&-``) is None in Python: what
    would go there goes to the null device, as the user asked, and the run keeps its
    own exit status (``cat`` fails with EBADF instead; atlasconnect's status is its
    verdict, which a script may still want)."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def tolerate_unencodable_output() -> None:
    """Print what the streams cannot encode as escapes (``\\udcff``), rather than fail.

    A connection string or a pasted text can hold what the terminal's
    encoding cannot (a non-UTF-8 byte from argv, a character beyond ASCII).
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")
