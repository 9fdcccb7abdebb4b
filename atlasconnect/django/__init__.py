"""atlasconnect as a Django database backend: ``"ENGINE": "atlasconnect.django"``.

The backend is django-mongodb-backend's, with its client made by
:func:`atlasconnect.connect`; see ``base.py``. Importing :mod:`atlasconnect`
never imports Django: only this package does, and it says which package is
missing rather than failing deep inside Django's backend loader.
"""

from __future__ import annotations

import importlib

_INSTALL = "pip install django-mongodb-backend (it installs a Django it supports)"


def _require(module: str, distribution: str) -> None:
    """Import ``module``, or raise an ImportError that names ``distribution``."""
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:  # something that module needs is missing: its own error says what
            raise
        raise ImportError(
            f"atlasconnect.django needs {distribution}, which is not installed: {_INSTALL}.",
            name=module,
        ) from exc


_require("django", "Django")
_require("django_mongodb_backend", "django-mongodb-backend")
