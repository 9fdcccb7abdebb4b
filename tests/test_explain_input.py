"""``atlasconnect explain`` reads what a shell hands it: any bytes, in any encoding.

A log saved by Windows tools is Latin-1 (cp1252) or UTF-16 with a byte order
mark (PowerShell 5's ``Out-File`` and ``>``), Notepad writes UTF-8 with one, and
a wrong file is binary. Through ``--file``, standard input or the argument,
each is decoded (by its byte order mark, else as UTF-8, the bytes that are not
read as U+FFFD) and explained as far as it can be read: never a
UnicodeDecodeError. The decoder is tested in-process with many examples, the
command in child processes with a few.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlasconnect import Family
from atlasconnect import _cli as cli
from atlasconnect import _pasted as pasted

COMMAND = [sys.executable, "-m", "atlasconnect", "explain"]
# PYTHONIOENCODING=utf-8 makes standard input strict, as a UTF-8 locale does
# (the C.UTF-8 locale of CI machines reads it with surrogateescape instead).
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
EXPLAIN_STATUSES = {cli.EXIT_UNRECOGNISED, *(family.exit_status for family in Family)}
# An error a Windows log would hold, with a character beyond ASCII in its path.
TEXT = (
    'File "C:\\Users\\José\\app.py", line 3\n'
    "pymongo.errors.ServerSelectionTimeoutError: h:27017: [SSL: CERTIFICATE_VERIFY_FAILED] "
    "certificate verify failed: certificate has expired\n"
)
ENCODED = {
    "latin-1": TEXT.encode("latin-1"),
    "cp1252": TEXT.encode("cp1252"),
    "utf-16 BOM (PowerShell Out-File)": codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
    "utf-16-be BOM": codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    "utf-16-le, no BOM": TEXT.encode("utf-16-le"),
    "utf-32 BOM": TEXT.encode("utf-32"),
    "utf-8 BOM (Notepad)": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    "utf-8": TEXT.encode("utf-8"),
    "utf-8 with a stray byte": TEXT.encode("utf-8").replace(b"Jos", b"Jos\xff"),
}


def run(args: list[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    result = subprocess.run(
        [*COMMAND, *args], input=stdin, capture_output=True, env=ENV, timeout=60, check=False
    )
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    assert "Traceback" not in err, err
    assert result.returncode in EXPLAIN_STATUSES, (result.returncode, err)
    return result.returncode, out, err


def run_json(args: list[str], stdin: bytes | None = None) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(["--json", *args], stdin)
    document = json.loads(out)
    assert document["exit_code"] == code
    return code, document


# The decoder, in-process.


@pytest.mark.parametrize("data", ENCODED.values(), ids=ENCODED.keys())
def test_every_encoding_of_the_text_is_read(data: bytes) -> None:
    decoded = pasted.decode(data)
    assert "certificate has expired" in decoded.text
    assert "\ufeff" not in decoded.text  # the byte order mark is not text
    error = pasted.explain_text(decoded.text)
    assert type(error).__name__ == "CertificateVerificationError"


def test_what_the_decoder_says_it_did() -> None:
    assert pasted.decode(ENCODED["utf-8"]) == (TEXT, "utf-8", False)
    assert pasted.decode(ENCODED["utf-8 BOM (Notepad)"]) == (TEXT, "utf-8-sig", False)
    assert pasted.decode(ENCODED["utf-16 BOM (PowerShell Out-File)"]) == (TEXT, "utf-16", False)
    assert pasted.decode(ENCODED["utf-16-le, no BOM"]) == (TEXT, "utf-16-le", False)
    assert pasted.decode(ENCODED["utf-32 BOM"]) == (TEXT, "utf-32", False)
    latin = pasted.decode(ENCODED["latin-1"])
    assert (latin.encoding, latin.replaced) == ("utf-8", True)
    assert latin.text == TEXT.replace("é", "\ufffd")  # the one byte that is not UTF-8
    assert pasted.decode(b"") == ("", "utf-8", False)


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_to_text_that_can_be_printed(data: bytes) -> None:
    decoded = pasted.decode(data)
    decoded.text.encode("utf-8")  # no lone surrogate: strict UTF-8 can write it
    assert decoded.encoding in pasted.ENCODINGS
    if decoded.encoding == "utf-8" and not decoded.replaced:
        assert decoded.text == data.decode("utf-8")


@settings(max_examples=300, deadline=None)
@given(
    # A text that starts with U+0000 reads, after a UTF-16 BOM, as a UTF-32 BOM: none does.
    st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=100),
    st.sampled_from(["utf-8-sig", "utf-16", "utf-32", "utf-16-be", "utf-32-be"]),
)
def test_text_with_a_byte_order_mark_reads_back(text: str, encoding: str) -> None:
    bom = {"utf-16-be": codecs.BOM_UTF16_BE, "utf-32-be": codecs.BOM_UTF32_BE}.get(encoding, b"")
    decoded = pasted.decode(bom + text.encode(encoding))
    assert decoded.text == text
    assert decoded.replaced is False


# The command, as a shell runs it.


# Through the command, a few: the decoder above takes every one of them.
THROUGH_THE_COMMAND = [
    "cp1252",
    "utf-16 BOM (PowerShell Out-File)",
    "utf-16-le, no BOM",
    "utf-8 with a stray byte",
]


@pytest.mark.parametrize("name", THROUGH_THE_COMMAND)
def test_a_file_in_any_encoding(tmp_path: Path, name: str) -> None:
    data = ENCODED[name]
    path = tmp_path / "error.log"
    path.write_bytes(data)
    code, document = run_json(["--file", str(path)])
    assert code == 14, document
    assert document["error"]["type"] == "CertificateVerificationError"


@pytest.mark.parametrize(
    "name", ["latin-1", "utf-16 BOM (PowerShell Out-File)", "utf-8 BOM (Notepad)"]
)
def test_standard_input_in_any_encoding(name: str) -> None:
    code, out, err = run([], ENCODED[name])
    assert code == 14
    assert "CertificateVerificationError (certificate, exit status 14)" in out
    if name == "latin-1":  # said on stderr: the explanation on stdout stays as it is
        assert "not valid UTF-8" in " ".join(err.split())
    else:
        assert err == ""


def test_an_argument_that_is_not_utf8() -> None:
    """A non-UTF-8 byte in argv reaches Python as a lone surrogate, which strict UTF-8
    cannot print, nor a strict JSON reader read."""
    result = subprocess.run(
        [*COMMAND, "--json", TEXT.encode("latin-1")],
        capture_output=True,
        env=ENV,
        timeout=60,
        check=False,
    )
    assert result.returncode == 14, result.stderr
    document = json.loads(result.stdout)
    assert document["input"] == {"encoding": "utf-8", "replaced": True, "truncated": False}
    assert "\\ud" not in result.stdout.decode()  # no lone surrogate in the document


def test_binary_garbage_is_not_recognised_plainly(tmp_path: Path) -> None:
    path = tmp_path / "core"
    path.write_bytes(bytes(range(256)) * 64)
    code, out, err = run(["--file", str(path)])
    assert code == cli.EXIT_UNRECOGNISED
    assert "not a MongoDB connection failure" in " ".join(out.split())
    assert "not valid UTF-8" in " ".join(err.split())


def test_a_file_without_end_is_read_up_to_the_limit() -> None:
    """/dev/zero never ends: explain reads its first MAX_BYTES and says so."""
    code, document = run_json(["--file", "/dev/zero"])
    assert code == cli.EXIT_UNRECOGNISED
    assert document["input"]["truncated"] is True


def test_a_long_log_is_read_from_its_end(tmp_path: Path) -> None:
    """The traceback that matters ends a log: a file longer than the limit is read from its
    end (the UTF-16 byte order mark at its start still counts)."""
    filler = "INFO nothing to see here\n" * (pasted.MAX_BYTES // 20)
    path = tmp_path / "app.log"
    path.write_bytes(codecs.BOM_UTF16_LE + (filler + TEXT).encode("utf-16-le"))
    code, document = run_json(["--file", str(path)])
    assert code == 14
    assert document["input"] == {"encoding": "utf-16", "replaced": False, "truncated": True}
    path.write_bytes(("é" + filler + TEXT).encode("utf-8"))  # cut inside a character
    code, document = run_json(["--file", str(path)])
    assert code == 14
    assert document["input"] == {"encoding": "utf-8", "replaced": False, "truncated": True}


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=2000), through=st.sampled_from(["file", "stdin"]))
def test_any_bytes_through_the_command(tmp_path: Path, data: bytes, through: str) -> None:
    if through == "file":
        path = tmp_path / "pasted"
        path.write_bytes(data)
        _, document = run_json(["--file", str(path)])
    else:
        _, document = run_json([], data)
    assert set(document["input"]) == {"encoding", "replaced", "truncated"}
