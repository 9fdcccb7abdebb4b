"""Sphinx extension: the error reference must cover every error atlasconnect exports.

``.. error-reference:: NetworkAccessError`` opens the section of one error in
``errors.rst``. It renders the facts that can be read from the class itself, so
that they cannot drift from the code: the classes it can be caught as
(atlasconnect's own, pymongo's, Python's) and its attributes with their
docstrings.

When all documents have been read, the build warns (and ``-W`` fails it) for

- an exception class in ``atlasconnect.__all__`` that no ``error-reference``
  names, and a name given to ``error-reference`` twice or that is not such a
  class;
- a name in ``atlasconnect.__all__`` that no page documents (autodoc entries
  in ``api.rst``).

``tests/test_docs.py`` makes the first check without Sphinx, in the test suite.

Error classes and the family enum are shown without a constructor signature:
they are caught and read, not made, by the code that uses atlasconnect.

References to pymongo's and Python's classes, which cannot be resolved without
intersphinx (the docs build offline), become links to their documentation.
"""

from __future__ import annotations

import builtins
import enum
import importlib
import inspect
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import atlasconnect

logger = logging.getLogger(__name__)

PACKAGE = "atlasconnect"
# Where atlasconnect defines its errors: before any connection, and on the network.
ERROR_MODULES = ("atlasconnect._exceptions", "atlasconnect._network_errors")
PYMONGO_DOCS = "https://pymongo.readthedocs.io/en/stable/api/pymongo/"
PYTHON_DOCS = "https://docs.python.org/3/library/"
COMMON_ATTRIBUTES = ("found", "why", "fix")


def exported_errors() -> dict[str, type[BaseException]]:
    """Every exception class in ``atlasconnect.__all__``, by name."""
    exported = {name: getattr(atlasconnect, name) for name in atlasconnect.__all__}
    return {
        name: value
        for name, value in exported.items()
        if inspect.isclass(value) and issubclass(value, BaseException)
    }


def _sections(env: BuildEnvironment) -> dict[str, tuple[str, int]]:
    """Error name -> (document, line) of its ``error-reference`` directive."""
    sections: dict[str, tuple[str, int]] | None = getattr(env, "atlasconnect_errors", None)
    if sections is None:
        sections = {}
        env.atlasconnect_errors = sections  # type: ignore[attr-defined]
    return sections


def pymongo_link(name: str) -> str | None:
    """The URL of a pymongo class in pymongo's API reference, if known."""
    short = name.rsplit(".", 1)[-1]
    if name.startswith("pymongo.errors."):
        return f"{PYMONGO_DOCS}errors.html#pymongo.errors.{short}"
    if short == "MongoClient":
        return f"{PYMONGO_DOCS}mongo_client.html#pymongo.mongo_client.MongoClient"
    if short == "AsyncMongoClient":
        module = "pymongo.asynchronous.mongo_client"
        return f"{PYMONGO_DOCS}asynchronous/mongo_client.html#{module}.AsyncMongoClient"
    return None


def python_link(name: str) -> str | None:
    """The URL of a standard-library name in Python's documentation, if known."""
    module, _, short = name.rpartition(".")
    if module in ("ssl", "typing", "logging", "os", "collections.abc"):
        return f"{PYTHON_DOCS}{module}.html#{name}"
    if module or not hasattr(builtins, short):
        return None
    value = getattr(builtins, short)
    if inspect.isclass(value) and issubclass(value, BaseException):
        return f"{PYTHON_DOCS}exceptions.html#{short}"
    if value is None:
        return f"{PYTHON_DOCS}constants.html#None"
    if short in ("str", "bytes", "list", "tuple", "dict", "set", "frozenset"):
        return f"{PYTHON_DOCS}stdtypes.html#{short}"
    return f"{PYTHON_DOCS}functions.html#{short}"


def _class_reference(cls: type) -> str:
    """reST for a link to ``cls``: atlasconnect's own, pymongo's or Python's."""
    if cls.__module__.startswith(PACKAGE) and hasattr(atlasconnect, cls.__name__):
        return f":exc:`~{PACKAGE}.{cls.__name__}`"
    if cls.__module__.startswith("pymongo"):
        return f"`{cls.__name__} <{pymongo_link(f'pymongo.errors.{cls.__name__}')}>`__ (pymongo)"
    return f"`{cls.__name__} <{python_link(cls.__name__)}>`__"


def catchable_as(cls: type[BaseException]) -> tuple[list[type], list[type]]:
    """atlasconnect's ancestors of ``cls``, and the nearest foreign ones.

    Foreign means pymongo's or Python's: the direct bases that atlasconnect
    classes take from outside the package (``ConfigurationError``,
    ``ValueError``), not all of their own ancestors.
    """
    own = [
        base
        for base in cls.__mro__[1:]
        if base.__module__.startswith(PACKAGE) and hasattr(atlasconnect, base.__name__)
    ]
    foreign: list[type] = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith(PACKAGE):
            continue
        for base in klass.__bases__:
            if base.__module__.startswith(PACKAGE) or base in (object, Exception):
                continue
            if base not in foreign:
                foreign.append(base)
    return own, foreign


def _declares_own_attributes(klass: type, cls: type[BaseException]) -> bool:
    """Whether the box of ``cls`` lists the attributes that ``klass``, in its MRO, declares.

    Only atlasconnect's error classes and mixins declare them. The public ones
    say they are ``atlasconnect``'s (``__module__`` is rewritten), so they are
    found in the module that defines them, not by ``__module__``. The base
    class's own attributes are listed once, in its box, not in every section.
    """
    if not klass.__module__.startswith(PACKAGE):  # pymongo's, imported into the module
        return False
    defined_here = _defining_module(klass) is not None
    return defined_here and (klass is cls or klass is not atlasconnect.AtlasConnectError)


def _defining_module(klass: type) -> str | None:
    """Which of :data:`ERROR_MODULES` defines ``klass``, if one does."""
    for module in ERROR_MODULES:
        if vars(importlib.import_module(module)).get(klass.__name__) is klass:
            return module
    return None


def attribute_lines(
    cls: type[BaseException], described_below: frozenset[str] = frozenset()
) -> list[str]:
    """reST bullet lines: each attribute atlasconnect defines on ``cls``, with its docstring.

    An attribute in ``described_below`` (``reason``, whose values the section
    lists with pymongo's words for each) gets a pointer instead of its
    docstring, so that the page does not list its values twice.
    """
    docs = {}
    for module in ERROR_MODULES:
        docs.update(ModuleAnalyzer.for_module(module).find_attr_docs())
    lines = []
    if cls is atlasconnect.AtlasConnectError:  # said once, not in every section
        lines.append(
            "- " + ", ".join(f"``{name}``" for name in COMMON_ATTRIBUTES) + ": what was found, "
            "why it matters, how to fix it (every atlasconnect error; ``str(error)`` joins them)."
        )
    seen: set[str] = set(COMMON_ATTRIBUTES)
    if cls is not atlasconnect.AtlasConnectError:  # an override (reasons) included
        seen.update(inspect.get_annotations(atlasconnect.AtlasConnectError))
    for klass in reversed(cls.__mro__):
        if not _declares_own_attributes(klass, cls):
            continue
        annotations = inspect.get_annotations(klass)
        names = list(annotations)
        names += [n for n, v in vars(klass).items() if isinstance(v, property)]
        for name in names:
            if name in seen or name.startswith("_"):
                continue
            seen.add(name)
            value = klass.__dict__.get(name)
            if isinstance(value, property):
                text = inspect.cleandoc(value.__doc__ or "")
            else:
                text = " ".join(line.strip() for line in docs.get((klass.__name__, name), []))
            kind = annotations.get(name)
            if isinstance(value, property) and value.fget is not None:
                kind = inspect.get_annotations(value.fget).get("return")
            typed = f" (``{kind}``)" if kind else ""
            description = text.split(".. versionadded::")[0]  # the API page gives versions
            if name in described_below:
                description = "one value for each case, listed under *When it is raised*."
            lines.append(f"- ``{name}``{typed}: {' '.join(description.split())}")
    if any(base.__name__ == "OperationFailure" for base in cls.__mro__):
        lines.append(
            "- ``code`` (``int | None``): the server's error code, from pymongo's "
            "``OperationFailure``."
        )
    return lines


class ErrorReference(SphinxDirective):
    """``.. error-reference:: ClassName``: the facts of one exported error."""

    required_arguments = 1
    has_content = False
    option_spec = {"described-below": directives.unchanged}  # noqa: RUF012 (docutils' API)

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        errors = exported_errors()
        sections = _sections(self.env)
        location = self.get_location()
        if name not in errors:
            logger.warning(
                "error-reference: %s is not an exception class in atlasconnect.__all__",
                name,
                location=location,
                type="errorref",
            )
            return []
        if name in sections:  # entries of a page are purged before it is read again
            document, line = sections[name]
            logger.warning(
                "error-reference: %s already has a section (%s, line %s)",
                name,
                document,
                line,
                location=location,
                type="errorref",
            )
            return []
        sections[name] = (self.env.docname, self.lineno)
        cls = errors[name]
        # Read this page again when the class's source changes, as autodoc does.
        source_file = inspect.getsourcefile(cls)
        if source_file:
            self.env.note_dependency(source_file)
        own, foreign = catchable_as(cls)
        # One sentence for the classes, then the attributes: the box is read on
        # the way to the example, so it is kept to a few lines.
        classes = f"API: :exc:`{PACKAGE}.{name}`"
        if own:
            classes += "; a subclass of " + ", ".join(_class_reference(c) for c in own)
        if foreign:
            classes += "; also a " + ", ".join(_class_reference(c) for c in foreign)
        source = [classes + "."]
        described_below = frozenset(self.options.get("described-below", "").split())
        attributes = attribute_lines(cls, described_below)
        for unknown in sorted(described_below - {line.split("``")[1] for line in attributes}):
            logger.warning(
                "error-reference: %s has no attribute %s to describe below",
                name,
                unknown,
                location=location,
                type="errorref",
            )
        if attributes:
            source += ["", "Attributes:", "", *attributes]
        container = nodes.container(classes=["error-reference"])
        # The docstrings name their class's members (:attr:`family`) as autodoc reads them:
        # in the class's context, which the error page has not otherwise.
        context = self.env.ref_context
        saved = {key: context.get(key) for key in ("py:module", "py:class")}
        context.update({"py:module": PACKAGE, "py:class": name})
        try:
            self.state.nested_parse(
                StringList(source, source=location), self.content_offset, container
            )
        finally:
            for key, value in saved.items():
                if value is None:
                    context.pop(key, None)
                else:
                    context[key] = value
        return [container]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    sections = _sections(env)
    for name, (document, _) in list(sections.items()):
        if document == docname:
            del sections[name]


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _sections(env).update(_sections(other))


def _check(app: Sphinx, env: BuildEnvironment) -> None:
    sections = _sections(env)
    for name in sorted(exported_errors()):
        if name not in sections:
            logger.warning(
                "atlasconnect.%s has no section in the error reference: add a section with "
                "'.. error-reference:: %s' to docs/errors.rst",
                name,
                name,
                location="errors",
                type="errorref",
            )
    documented = env.get_domain("py").objects
    for name in atlasconnect.__all__:
        if f"{PACKAGE}.{name}" not in documented:
            logger.warning(
                "atlasconnect.%s is public (in __all__) but documented nowhere: add it to "
                "docs/api.rst",
                name,
                location="api",
                type="errorref",
            )


def _external_reference(
    app: Sphinx, env: BuildEnvironment, node: Any, contnode: nodes.Element
) -> nodes.reference | None:
    """Link pymongo's and Python's names, which have no local target, to their docs."""
    if node.get("refdomain") != "py":
        return None
    target = str(node.get("reftarget", ""))
    url = pymongo_link(target) if target.startswith("pymongo") else python_link(target)
    if url is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=url, reftitle=target)
    reference.append(contnode)
    return reference


def _hide_constructor_signature(
    app: Sphinx,
    what: str,
    name: str,
    obj: object,
    options: object,
    signature: str | None,
    return_annotation: str | None,
) -> tuple[str, str | None] | None:
    """No ``(found, *, why, fix, **driver_arguments)`` after each error class.

    atlasconnect makes its errors; a program catches them and reads their
    attributes. The constructor, the same on every class (and on the mixin
    that gives some of them ``server_errors``), is not part of the API a
    reader needs, and the family enum is not called either.
    """
    if not inspect.isclass(obj):
        return None
    if issubclass(obj, (BaseException, enum.Enum)) or obj.__module__ in ERROR_MODULES:
        return "", None
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("error-reference", ErrorReference)
    app.connect("autodoc-process-signature", _hide_constructor_signature)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check)
    app.connect("missing-reference", _external_reference)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
