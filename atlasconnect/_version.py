"""atlasconnect's version, the one place it is written (``pyproject.toml`` reads it).

A constant rather than ``importlib.metadata.version()``, which reads the
installed metadata: a serverless function's cold start should not pay for that.
"""

__version__ = "0.1.0.dev0"
