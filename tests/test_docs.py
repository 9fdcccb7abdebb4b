"""The documentation cannot fall behind the package, checked without Sphinx.

- Every exception class in ``atlasconnect.__all__`` has its section in
  ``docs/errors.rst`` (an ``.. error-reference::`` directive); the docs build
  makes the same check with Sphinx (``docs/_ext/errorref.py``).
- Every public name is in the API reference.
- Every ``.. code-block:: python`` in ``docs/`` (sub-folders too) and
  ``README.rst`` compiles and names only public atlasconnect names. (The
  ``>>>`` examples run as doctests in ``tox -e docs``.)
- The error messages pasted into ``docs/errors.rst`` from real runs still say
  what the code says.
- ``README.rst`` stands on its own outside Sphinx (a package index, a code
  host): plain docutils renders it without a warning, its links are absolute,
  and its first screen has the install, run and test commands.
- The character check of built pages (``.ci/check_code_width.py``, run by
  ``tox -e docs``) finds a code line wider than its column.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import docutils.core
import docutils.nodes
import docutils.utils
import pytest
from pymongo.errors import ConfigurationError, OperationFailure, ServerSelectionTimeoutError

import atlasconnect

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ERROR_REFERENCE = DOCS / "errors.rst"
API_REFERENCE = DOCS / "api.rst"
ERROR_SECTION = re.compile(r"^\.\. error-reference::[ \t]*(\S+)[ \t]*$", re.MULTILINE)
AUTODOC_ENTRY = re.compile(
    r"^\.\. auto(?:function|exception|class|data)::[ \t]*(\S+)[ \t]*$", re.MULTILINE
)
# The directive may start a list item or a table cell ("* - .. code-block:: python").
CODE_BLOCK = re.compile(r"^(?P<indent>[ \t]*(?:[-*][ \t]+)*)\.\. code-block::[ \t]*python3?[ \t]*$")
PUBLIC_EXTRAS = {"__version__"}


def exported_errors() -> set[str]:
    """The names of the exception classes in ``atlasconnect.__all__``."""
    errors = set()
    for name in atlasconnect.__all__:
        value = getattr(atlasconnect, name)
        if inspect.isclass(value) and issubclass(value, BaseException):
            errors.add(name)
    return errors


def test_every_exported_error_has_one_section() -> None:
    sections = Counter(ERROR_SECTION.findall(ERROR_REFERENCE.read_text(encoding="utf-8")))
    missing = exported_errors() - sections.keys()
    assert not missing, (
        f"no section in docs/errors.rst for {sorted(missing)}: add one with "
        "'.. error-reference:: ClassName' (what it means, when it is raised, the fix)"
    )
    unknown = sections.keys() - exported_errors()
    assert not unknown, f"docs/errors.rst has sections for unknown errors: {sorted(unknown)}"
    repeated = [name for name, count in sections.items() if count > 1]
    assert not repeated, f"docs/errors.rst has more than one section for {repeated}"


def test_the_check_sees_every_error_class() -> None:
    # The base class and at least one error of each family are found as exceptions.
    assert {"AtlasConnectError", "CABundleError", "NetworkAccessError"} <= exported_errors()
    assert "connect" not in exported_errors()


def test_every_public_name_is_in_the_api_reference() -> None:
    entries = AUTODOC_ENTRY.findall(API_REFERENCE.read_text(encoding="utf-8"))
    documented = {entry.removeprefix("atlasconnect.") for entry in entries}
    missing = set(atlasconnect.__all__) - documented
    assert not missing, f"public names missing from docs/api.rst: {sorted(missing)}"


@dataclass(frozen=True)
class Example:
    path: Path
    line: int
    source: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def python_blocks(path: Path) -> list[Example]:
    """The content of every ``.. code-block:: python`` directive in an rST file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    examples = []
    for number, line in enumerate(lines):
        match = CODE_BLOCK.match(line)
        if match is None:
            continue
        indent = len(match["indent"])
        body: list[str] = []
        start = number + 1
        for following in lines[number + 1 :]:
            stripped = following.strip()
            if stripped and len(following) - len(following.lstrip()) <= indent:
                break
            if not body and (not stripped or stripped.startswith(":")):
                start += 1  # the directive's options and the blank line after them
                continue
            body.append(following)
        while body and not body[-1].strip():
            body.pop()
        examples.append(Example(path, start + 1, _dedent(body)))
    return examples


def _dedent(lines: list[str]) -> str:
    margin = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[margin:] for line in lines) + "\n"


# The pages in sub-folders (docs/integrations/) too, not the build's output (docs/_build).
DOCUMENTS = [
    ROOT / "README.rst",
    *sorted(
        page
        for page in DOCS.rglob("*.rst")
        if not any(part.startswith("_") for part in page.relative_to(DOCS).parts)
    ),
]
EXAMPLES = [example for document in DOCUMENTS for example in python_blocks(document)]


def test_examples_are_found() -> None:
    assert len(EXAMPLES) >= 20
    assert any(example.path.name == "README.rst" for example in EXAMPLES)
    assert any(example.path.parent.name == "integrations" for example in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_code_example_compiles(example: Example) -> None:
    try:
        compile(example.source, str(example), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError as exc:
        pytest.fail(f"{example}: {exc}\n{example.source}")


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_code_example_names_only_public_api(example: Example) -> None:
    tree = ast.parse(example.source, str(example), feature_version=(3, 10))
    public = set(atlasconnect.__all__) | PUBLIC_EXTRAS
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "atlasconnect":
                used.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module == "atlasconnect":
            used.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert not (node.module or "").startswith("atlasconnect."), (
                f"{example}: imports from a private module, {node.module}"
            )
        elif isinstance(node, ast.Import):
            private = [a.name for a in node.names if a.name.startswith("atlasconnect.")]
            assert not private, f"{example}: imports a private module, {private}"
    unknown = used - public
    assert not unknown, f"{example}: atlasconnect has no public {sorted(unknown)}"


# The messages in docs/errors.rst that come from runs against the loopback
# servers are pasted text, not doctests. Their "Why it matters" and "How to fix
# it" parts must still be what the code says: each must match an error that
# explain() makes today from the same kind of pymongo error.

HOST = "shard-00-00.cluster0.abcde.mongodb.net:27017"
PYMONGO_ERRORS: list[Exception] = [
    *(
        ServerSelectionTimeoutError(f"{HOST}: {text}, Timeout: 30s, Topology Description: <>")
        for text in (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local "
            "issuer certificate (_ssl.c:1006)",
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has "
            "expired (_ssl.c:1006)",
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, "
            "certificate is not valid for 'localhost'. (_ssl.c:1006)",
            "[SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version (_ssl.c:1006)",
            "[SSL: TLSV1_ALERT_INTERNAL_ERROR] tlsv1 alert internal error (_ssl.c:1006)",
            "_ssl.c:989: The handshake operation timed out",
        )
    ),
    ConfigurationError("The DNS query name does not exist: _mongodb._tcp.c.mongodb.net."),
    ConfigurationError(
        "The DNS response does not contain an answer to the question: "
        "_mongodb._tcp.c.mongodb.net. IN SRV"
    ),
    ConfigurationError("The resolution lifetime expired after 1.102 seconds"),
    OperationFailure("authentication failed", 18),
    OperationFailure("you are over your space quota, using 513 MB of 512 MB", 8000),
]
TEXT_BLOCK = re.compile(r"^(?P<indent>[ \t]*)\.\. code-block::[ \t]*text[ \t]*$")
PASTED_MESSAGE = re.compile(
    r"^atlasconnect\.(?P<name>\w+):\s.*?"
    r"\bWhy it matters: (?P<why>.*?)\bHow to fix it: (?P<fix>.*)$",
    re.DOTALL,
)


def _words(text: str) -> str:
    return " ".join(text.split())


def pasted_messages() -> list[tuple[Example, str, str, str]]:
    """(example, class name, why, fix) of every message shown as text in errors.rst."""
    messages = []
    lines = ERROR_REFERENCE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        match = TEXT_BLOCK.match(line)
        if match is None:
            continue
        body = []
        for following in lines[number + 2 :]:
            if following.strip() and len(following) - len(following.lstrip()) <= len(
                match["indent"]
            ):
                break
            body.append(following)
        message = PASTED_MESSAGE.match(_dedent(body).strip())
        if message is not None:
            example = Example(ERROR_REFERENCE, number + 3, message.group(0))
            messages.append(
                (example, message["name"], _words(message["why"]), _words(message["fix"]))
            )
    return messages


def explanations() -> dict[str, set[tuple[str, str]]]:
    """Class name -> the (why, fix) pairs explain() gives for the errors above."""
    found: dict[str, set[tuple[str, str]]] = {}
    for exc in PYMONGO_ERRORS:
        error = atlasconnect.explain(exc)
        assert error is not None, exc
        found.setdefault(type(error).__name__, set()).add((_words(error.why), _words(error.fix)))
    return found


def test_pasted_messages_are_found() -> None:
    names = {name for _, name, _, _ in pasted_messages()}
    assert names >= {"NetworkAccessError", "CertificateVerificationError", "DNSResolutionError"}


@pytest.mark.parametrize(
    ("example", "name", "why", "fix"),
    [pytest.param(*message, id=f"{message[0]}-{message[1]}") for message in pasted_messages()],
)
def test_pasted_message_is_what_the_code_says(
    example: Example, name: str, why: str, fix: str
) -> None:
    known = explanations().get(name, set())
    assert (why, fix) in known, (
        f"{example}: the example message of {name} no longer matches the code; run the "
        f"failure again and paste the new message. The code says one of: {sorted(known)}"
    )


# README.rst outside Sphinx: PyPI and code hosts render it with plain docutils,
# which knows no Sphinx role or directive and resolves no relative link.

README = ROOT / "README.rst"
README_FIRST_SCREEN = 25  # lines


def readme_doctree() -> docutils.nodes.document:
    """README.rst parsed by plain docutils, stopping at the first warning."""
    return docutils.core.publish_doctree(
        README.read_text(encoding="utf-8"),
        source_path=str(README),
        settings_overrides={"halt_level": docutils.utils.Reporter.WARNING_LEVEL},
    )


def test_readme_renders_with_plain_docutils() -> None:
    try:
        readme_doctree()
    except docutils.utils.SystemMessage as exc:
        pytest.fail(f"README.rst does not render outside Sphinx: {exc}")


def test_readme_links_work_outside_the_repository() -> None:
    relative = [
        node["refuri"]
        for node in readme_doctree().findall(docutils.nodes.reference)
        if "refuri" in node and not re.match(r"https?://", node["refuri"])
    ]
    assert not relative, (
        f"README.rst links to {relative}: a relative link breaks on a package index; "
        "name the file in text (``docs/errors.rst``) instead"
    )


def test_readme_first_screen_has_install_run_and_test_commands() -> None:
    first_screen = " ".join(README.read_text(encoding="utf-8").splitlines()[:README_FIRST_SCREEN])
    for command in ("pip install", "python -m atlasconnect", "atlasconnect doctor", "pytest"):
        assert command in first_screen, f"{command!r} is not in README.rst's first screen"


def _load_ci_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / ".ci" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


code_width = _load_ci_script("check_code_width")


def _page(body: str) -> str:
    return f"<html><body><nav><pre>{'x' * 200}</pre></nav><article>{body}</article></body></html>"


def _block(text: str, wrap: bool = False) -> str:
    classes = "highlight-text notranslate wrap" if wrap else "highlight-text notranslate"
    return f'<div class="{classes}"><div class="highlight"><pre>{text}</pre></div></div>'


def test_code_width_measures_each_column() -> None:
    top, in_definition, side_by_side = (
        code_width.column(code_width.BOX_PX, code_width.CODE_FONT_PX),
        code_width.column(code_width.BOX_PX - 40, code_width.CODE_FONT_PX),
        code_width.column(*code_width.SIDE_BY_SIDE),
    )
    assert (top, in_definition, side_by_side) == (90, 85, 45)


@pytest.mark.parametrize(
    ("body", "too_wide"),
    [
        (_block("a" * 90), False),
        (_block("a" * 91), True),
        (_block("a <b>" + "a" * 86 + "</b>"), False),  # markup inside the block is not text
        (_block("short\n" + "a " * 46), True),
        (f"<dl><dt>Example</dt><dd>{_block('a' * 85)}</dd></dl>", False),
        (f"<dl><dt>Example</dt><dd>{_block('a' * 86)}</dd></dl>", True),
        (f'<table class="side-by-side"><tr><td>{_block("a" * 46)}</td></tr></table>', True),
        (_block("    " + "a" * 120, wrap=True), False),  # one word: the browser wraps it
        (_block("a " * 60, wrap=True), True),  # words: wrap them in the text
        (_block("&lt;" * 91), True),
    ],
)
def test_code_width_finds_lines_wider_than_their_column(body: str, too_wide: bool) -> None:
    assert bool(code_width.too_wide_lines(_page(body))) is too_wide


def test_readme_code_fits_the_docs_column() -> None:
    column = code_width.column(code_width.BOX_PX, code_width.CODE_FONT_PX)
    html = docutils.core.publish_string(
        README.read_text(encoding="utf-8"), writer="html5", settings_overrides={"halt_level": 5}
    ).decode()
    lines = [line for _, line in code_width.too_wide_lines(html, container="main")]
    assert not lines, f"README.rst code lines wider than {column} characters: {lines}"
