"""Started by ``atlasconnect run``: atlasconnect's policy for every client of this program.

Python imports ``sitecustomize`` at start-up from ``sys.path``; ``atlasconnect
run`` puts this file's directory first on ``PYTHONPATH`` and sets
``ATLASCONNECT_INJECT=1``. It costs one finder on ``sys.meta_path`` until
``pymongo`` is imported: then, and only then, it imports atlasconnect and
calls ``inject_into_pymongo()`` (settings from the environment), before any
code can make a client. The program's own ``sitecustomize``, if it has one
further on the path, runs next, as it would have without atlasconnect (after
the finder is in place: it may import pymongo itself).

It fails closed: an interpreter that cannot import atlasconnect (another
virtualenv) stops here with a message, rather than run without the policy.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

_HERE = os.path.dirname(os.path.abspath(__file__))


def _run_the_programs_own() -> None:
    """The ``sitecustomize`` this one stands in front of, if the path has another."""
    path = [entry for entry in sys.path if os.path.abspath(entry or ".") != _HERE]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)


class _InjectAfterPymongo(importlib.abc.MetaPathFinder):
    """Injects atlasconnect as soon as ``pymongo`` has been imported, once."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "pymongo":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec("pymongo")
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            from atlasconnect import inject_into_pymongo

            inject_into_pymongo()

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _start(environ: Any) -> None:
    if environ.get("ATLASCONNECT_INJECT") != "1":
        return
    if importlib.util.find_spec("atlasconnect") is None:
        sys.stderr.write(
            f"atlasconnect run: this Python ({sys.executable}) cannot import atlasconnect, "
            "so it would run without atlasconnect's policy; stopped. Install atlasconnect "
            "into its environment, or run the program with a Python that has it.\n"
        )
        sys.stderr.flush()
        os._exit(1)  # SystemExit here would also print a fatal error about the site module
    sys.meta_path.insert(0, _InjectAfterPymongo())


_start(os.environ)
_run_the_programs_own()
