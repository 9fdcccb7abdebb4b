"""The ``atlasconnect`` command: ``python -m atlasconnect`` prints an environment report.

Exit status: 0 when the environment is fit for Atlas; :data:`EXIT_ENVIRONMENT`
when it is not, with the explanation on standard error.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__, environment, tls
from .exceptions import AtlasConnectError

EXIT_OK = 0
EXIT_ENVIRONMENT = 10
"""The environment cannot reach Atlas safely (SNI, TLS versions, CA bundle, packages)."""


def main(argv: list[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = argparse.ArgumentParser(
        prog="atlasconnect",
        description="Check that this Python can connect to MongoDB Atlas safely.",
    )
    parser.add_argument("--version", action="version", version=f"atlasconnect {__version__}")
    parser.parse_args(argv)
    return _environment_report()


def _environment_report() -> int:
    floor = tls.DEFAULT_MIN_TLS_VERSION
    lines = environment.report(floor)
    width = max(len(label) for label, _ in lines)
    print(f"atlasconnect {__version__}: environment report")
    for label, value in lines:
        print(f"  {label:<{width}}  {value}")
    try:
        environment.check_environment(min_tls_version=floor)
    except AtlasConnectError as exc:
        print(f"\nThis environment is NOT fit for MongoDB Atlas: {type(exc).__name__}", flush=True)
        print(exc, file=sys.stderr)
        return EXIT_ENVIRONMENT
    print("\nThis environment is fit for MongoDB Atlas.")
    return EXIT_OK
