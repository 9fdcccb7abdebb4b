"""The text ``atlasconnect explain`` reads: its argument, a file, or standard input.

Read as bytes, whatever their encoding (:func:`atlasconnect._pasted.decode`),
and at most :data:`~atlasconnect._pasted.MAX_BYTES` of them; never by waiting on
a terminal.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from typing import Any, BinaryIO, NamedTuple

from ._pasted import MAX_BYTES, Decoded, byte_order_mark, decode


class Pasted(NamedTuple):
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


def pasted_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Pasted:
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
        return Pasted(decode(os.fsencode(str(args.text))), truncated=False)
    if args.file not in (None, "-"):
        try:
            with open(args.file, "rb") as file:
                return _read(file)
        except OSError as exc:
            parser.error(f"cannot read {args.file}: {exc.strerror or exc}")
    if args.file is None and (sys.stdin is None or sys.stdin.isatty()):  # None: `<&-`
        parser.error("give the error text as an argument, with --file PATH, or pipe it in")
    if sys.stdin is None:  # --file - with standard input closed: nothing to read
        return Pasted(decode(b""), truncated=False)
    stdin = getattr(sys.stdin, "buffer", None)
    if stdin is None:  # a text stream in place of standard input (tests, embedding)
        return Pasted(decode(sys.stdin.read().encode("utf-8", "surrogateescape")), False)
    return _read(stdin)


def _read(file: BinaryIO) -> Pasted:
    """At most MAX_BYTES of ``file``: its end if it is a longer regular file, else its start."""
    data = file.read(MAX_BYTES + 1)
    if len(data) <= MAX_BYTES:
        return Pasted(decode(data), truncated=False)
    try:
        regular = stat.S_ISREG(os.fstat(file.fileno()).st_mode)
    except (OSError, ValueError):
        regular = False
    if not regular:  # a stream may never end (/dev/zero): its start
        return Pasted(decode(data[:MAX_BYTES]), truncated=True)
    bom = byte_order_mark(data)
    size = file.seek(0, os.SEEK_END)
    start = -(-(size - MAX_BYTES) // 4) * 4  # a multiple of 4: whole UTF-16 and UTF-32 units
    file.seek(start)
    tail = file.read(MAX_BYTES)
    if not bom:  # UTF-8: not from the middle of a character
        tail = tail.lstrip(_CONTINUATION_BYTES)
    return Pasted(decode(bom + tail), truncated=True)


_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))
"""The bytes that continue a UTF-8 character, and cannot start one."""
