"""Sphinx configuration of atlasconnect's documentation: ``tox -e docs`` builds it."""

from __future__ import annotations

import doctest
import sys
from importlib.metadata import version as _version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "atlasconnect"
author = "The atlasconnect developers"
copyright = "the atlasconnect developers"
release = _version("atlasconnect")
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "errorref",
]

exclude_patterns = ["_build"]
# The build is offline: no intersphinx. References to pymongo's and Python's
# names are turned into links by the errorref extension, so every reference
# must resolve: a broken one is a warning, and -W fails the build.
nitpicky = True

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# The signature on the class line, not as separate __init__ and __new__ entries
# (errorref hides it for the error classes, which are caught, not made).
autodoc_class_signature = "mixed"

# The messages in the examples are checked in full (no IGNORE_EXCEPTION_DETAIL);
# NORMALIZE_WHITESPACE lets long messages wrap (at 72 characters) to fit the page.
doctest_default_flags = (
    doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.DONT_ACCEPT_TRUE_FOR_1
)
doctest_global_setup = "import atlasconnect"

html_theme = "furo"
html_title = f"atlasconnect {release}"
html_show_sourcelink = True
html_static_path = ["_static"]
html_css_files = ["custom.css"]
