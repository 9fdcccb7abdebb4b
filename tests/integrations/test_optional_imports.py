"""The integrations are optional: importing atlasconnect imports no framework, and an
integration whose framework is missing says which package to install."""

from __future__ import annotations

import subprocess
import sys

import pytest

INTEGRATIONS = {
    # integration: the top-level modules of its frameworks
    "atlasconnect.django": ("django", "django_mongodb_backend"),
    "atlasconnect.flask": ("flask", "flask_pymongo"),
    "atlasconnect.celery": ("celery", "kombu"),
}
MISSING = [
    # integration, the framework module made missing, what the message must say
    ("atlasconnect.django", "django", "needs Django,"),
    ("atlasconnect.django", "django_mongodb_backend", "needs django-mongodb-backend,"),
    ("atlasconnect.flask", "flask_pymongo", "pip install Flask-PyMongo"),
    ("atlasconnect.celery", "celery", "pip install celery"),
]


def run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_importing_atlasconnect_imports_no_framework() -> None:
    modules = sorted({*INTEGRATIONS, *(m for ms in INTEGRATIONS.values() for m in ms)})
    loaded = run_python(
        "import sys, atlasconnect\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {modules!r} "
        f"or m in {modules!r}))"
    )
    assert loaded.strip() == "[]"


@pytest.mark.parametrize(("integration", "module", "named"), MISSING)
def test_a_missing_framework_is_named(integration: str, module: str, named: str) -> None:
    output = run_python(
        f"import sys\nsys.modules[{module!r}] = None\n"
        f"try:\n    import {integration}\n"
        "except ImportError as exc:\n    print(exc.name)\n    print(exc)\n"
    )
    name, message = output.splitlines()[:2]
    assert name == module
    assert named in message
