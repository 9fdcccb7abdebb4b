"""Django configured for the tests, with no database of its own: each test adds its own."""

from __future__ import annotations

import django
from django.conf import settings


def configure() -> None:
    """Configure Django once per process (test modules share it)."""
    if not settings.configured:
        settings.configure(
            DATABASES={},
            INSTALLED_APPS=[],
            DEFAULT_AUTO_FIELD="django_mongodb_backend.fields.ObjectIdAutoField",
            USE_TZ=True,
        )
        django.setup()
