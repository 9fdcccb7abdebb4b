"""``python -m atlasconnect``: the environment report and its exit status."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys

import certifi
import pymongo
import pytest

from atlasconnect import _cli as cli


def test_report_as_a_user_runs_it() -> None:
    # Wide enough for any certifi path on one line: test_render checks the layout at 80.
    result = subprocess.run(
        [sys.executable, "-m", "atlasconnect"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert result.returncode == cli.EXIT_OK, result.stderr
    out = result.stdout
    for label in ("Python", "OpenSSL", "TLS backend", "SNI", "TLS versions", "TLS floor"):
        assert f"  {label} " in out
    assert ssl.OPENSSL_VERSION in out
    assert certifi.where() in out
    assert f"pymongo       {pymongo.__version__}" in out
    assert "fit for MongoDB Atlas" in out


def test_unfit_environment_exits_non_zero_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(ssl, "HAS_SNI", False)
    assert cli.main([]) == cli.EXIT_ENVIRONMENT
    out, err = capsys.readouterr()
    assert "SNI           NOT supported" in out
    assert "NOT fit for MongoDB Atlas: SNIUnsupportedError" in out
    assert "print(ssl.HAS_SNI)" in err
