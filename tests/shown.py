"""What may be printed of an error: the one way the tests look for secrets in it."""

from __future__ import annotations

import traceback


def shown(error: BaseException) -> str:
    """What may be printed of ``error``: text, repr, traceback, atlasconnect's frame locals.

    The caller's own frames (a test's) hold the URI, as the caller wrote it.
    """
    printed = "".join(traceback.format_exception(error)) + repr(error)
    return printed + repr(atlasconnect_locals(error)) + str(getattr(error, "redacted_uri", ""))


def atlasconnect_locals(error: BaseException) -> list[dict[str, str] | None]:
    """The local variables of atlasconnect's frames in the traceback of ``error``."""
    frames = traceback.TracebackException.from_exception(error, capture_locals=True).stack
    return [frame.locals for frame in frames if "/atlasconnect/" in frame.filename]
