"""The error classes themselves: they travel (pickle, copy, processes), their bases
keep the documented promise, and the tree drawn in their module matches them.
"""

from __future__ import annotations

import copy
import functools
import inspect
import multiprocessing
import pickle
import re
import ssl
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymongo.errors import (
    ConfigurationError,
    OperationFailure,
    PyMongoError,
    ServerSelectionTimeoutError,
)

import atlasconnect
from atlasconnect import (
    AtlasConnectError,
    AuthenticationError,
    AuthorizationError,
    CABundleError,
    CertificateVerificationError,
    CompatibilityError,
    ConnectionStringError,
    DNSResolutionError,
    InsecureConfigurationError,
    MissingDependencyError,
    NetworkAccessError,
    QuotaExceededError,
    ServerUnreachableError,
    SNIRefusedError,
    SNIUnsupportedError,
    TLSVersionRefusedError,
    TLSVersionUnsupportedError,
)
from atlasconnect import _exceptions as exceptions_module
from atlasconnect._network_errors import ServerErrors

HOSTS = {
    "shard-00-00.cluster0.abcde.mongodb.net:27017": "SSL handshake failed: "
    "shard-00-00.cluster0.abcde.mongodb.net:27017: [SSL: CERTIFICATE_VERIFY_FAILED] "
    "certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)",
    "shard-00-01.cluster0.abcde.mongodb.net:27017": "connection closed",
}
WHY = "it matters because of this."
FIX = "do that: python -m pip install x"
CLI_FIX = "do that: append &tlsCAFile=ca.pem to the connection string"
FLOOR = ssl.TLSVersion.TLSv1_3
AVAILABLE = (ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1_2)


def public_errors() -> set[type[BaseException]]:
    """Every exception class in ``atlasconnect.__all__``."""
    classes = (getattr(atlasconnect, name) for name in atlasconnect.__all__)
    return {c for c in classes if inspect.isclass(c) and issubclass(c, BaseException)}


def examples() -> list[AtlasConnectError]:
    """One error of each public class, with field values like those of a real failure."""
    return [
        AtlasConnectError("Something was found.", why=WHY, fix=FIX),
        SNIUnsupportedError("ssl.HAS_SNI is False.", why=WHY, fix=FIX),
        TLSVersionUnsupportedError(
            "The TLS floor is TLS 1.3.",
            why=WHY,
            fix=FIX,
            min_tls_version=FLOOR,
            available=AVAILABLE,
        ),
        MissingDependencyError(
            "pymongo 4.12.1 is too old.",
            why=WHY,
            fix=FIX,
            package="pymongo",
            installed_version="4.12.1",
        ),
        MissingDependencyError(
            "dnspython is missing.", why=WHY, fix=FIX, package="dnspython", installed_version=None
        ),
        CABundleError(
            "The CA file is empty.", why=WHY, fix=FIX, path="/etc/ssl/corp.pem", reason="empty"
        ),
        InsecureConfigurationError(
            "tlsInsecure=true would switch off verification.",
            why=WHY,
            fix=FIX,
            setting="tlsInsecure=true",
        ),
        ConnectionStringError(
            "The port is not a number.",
            why=WHY,
            fix=FIX,
            redacted_uri="mongodb://app:****@db.example.net:27x17/",
        ),
        ConnectionStringError("No connection string.", why=WHY, fix=FIX, redacted_uri=None),
        NetworkAccessError(
            "Every host ended the handshake.", why=WHY, fix=FIX, server_errors=HOSTS
        ),
        CertificateVerificationError(
            "The certificate is not trusted.",
            why=WHY,
            fix=FIX,
            cli_fix=CLI_FIX,
            server_errors=HOSTS,
            reason="untrusted",
            ca_file="/certifi/cacert.pem",
        ),
        ServerUnreachableError(
            "No server could be used.", why=WHY, fix=FIX, server_errors=HOSTS, reason="refused"
        ),
        TLSVersionRefusedError(
            "The hosts refused the TLS handshake.",
            why=WHY,
            fix=FIX,
            server_errors=HOSTS,
            min_tls_version=FLOOR,
            available=AVAILABLE,
        ),
        DNSResolutionError(
            "No SRV record.",
            why=WHY,
            fix=FIX,
            host="cluster0.abcde.mongodb.net",
            reason="no_srv_record",
        ),
        AuthenticationError(
            "The server refused the password.", why=WHY, fix=FIX, cli_fix=CLI_FIX, code=18
        ),
        SNIRefusedError("Atlas refused the connection.", why=WHY, fix=FIX, code=8000),
        AuthorizationError(
            "The server would not let the user run insert.",
            why=WHY,
            fix=FIX,
            code=13,
            action="insert",
            resource="shop.orders",
        ),
        QuotaExceededError("Atlas refused the write.", why=WHY, fix=FIX, code=8000),
        CompatibilityError(
            "The code uses the option ssl_cert_reqs.",
            why=WHY,
            fix=FIX,
            reason="removed_option",
            name="ssl_cert_reqs",
            removed_in="4.0",
            replacement="tlsAllowInvalidCertificates",
        ),
    ]


EXAMPLES = examples()


def assert_intact(received: BaseException, sent: AtlasConnectError) -> None:
    """``received`` is ``sent`` again: class, text, args and every attribute."""
    assert type(received) is type(sent)
    assert str(received) == str(sent)
    assert received.args == sent.args
    # Every instance attribute: atlasconnect's fields and pymongo's own (private) state.
    assert vars(received) == vars(sent)
    assert {"found", "why", "fix"} <= vars(received).keys()
    assert received.cli_fix == sent.cli_fix
    if isinstance(sent, PyMongoError):
        assert {"_message", "_error_labels"} <= vars(received).keys()
    if isinstance(sent, OperationFailure):
        assert isinstance(received, OperationFailure)
        assert (received.code, received.details) == (sent.code, sent.details)
    if isinstance(sent, ServerErrors):
        assert isinstance(received, ServerErrors)
        assert received.hosts == sent.hosts


def test_examples_cover_every_public_error() -> None:
    assert {type(error) for error in EXAMPLES} == public_errors()


def pickled(error: AtlasConnectError, protocol: int = pickle.DEFAULT_PROTOCOL) -> Any:
    """``error`` after a trip through ``pickle`` (our own bytes, so safe to load)."""
    return pickle.loads(pickle.dumps(error, protocol=protocol))  # noqa: S301


COPIERS: dict[str, Callable[[AtlasConnectError], Any]] = {
    **{
        f"pickle-{protocol}": functools.partial(pickled, protocol=protocol)
        for protocol in range(pickle.HIGHEST_PROTOCOL + 1)
    },
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
}


@pytest.mark.parametrize("how", COPIERS)
@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_error_survives_pickle_and_copy(error: AtlasConnectError, how: str) -> None:
    assert_intact(COPIERS[how](error), error)


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda e: type(e).__name__)
def test_each_audience_gets_its_fix(error: AtlasConnectError) -> None:
    # The message is the Python phrasing; without its own, the command line gets the same.
    assert exceptions_module.fix_for(error, "python") == error.fix
    assert str(error).endswith(f"How to fix it: {error.fix}")
    assert exceptions_module.fix_for(error, "cli") == (
        CLI_FIX if type(error) in (CertificateVerificationError, AuthenticationError) else FIX
    )


def test_an_error_without_its_own_cli_fix_gives_fix() -> None:
    # Made without __init__ (as some tests and old pickles do): no _cli_fix of its own.
    error = CertificateVerificationError.__new__(CertificateVerificationError)
    error.fix = FIX
    assert exceptions_module.fix_for(error, "cli") == FIX


def test_copy_does_not_share_mutable_fields() -> None:
    error = NetworkAccessError(
        "Every host ended the handshake.", why=WHY, fix=FIX, server_errors=HOSTS
    )
    duplicate = copy.deepcopy(error)
    assert duplicate.server_errors == error.server_errors
    assert duplicate.server_errors is not error.server_errors


@given(
    found=st.text(),
    why=st.text(),
    fix=st.text(),
    cli_fix=st.none() | st.text(),
    server_errors=st.dictionaries(st.text(), st.text(), max_size=3),
    code=st.none() | st.integers(),
)
def test_any_text_survives_pickle(
    found: str,
    why: str,
    fix: str,
    cli_fix: str | None,
    server_errors: dict[str, str],
    code: int | None,
) -> None:
    for error in (
        CertificateVerificationError(
            found,
            why=why,
            fix=fix,
            cli_fix=cli_fix,
            server_errors=server_errors,
            reason="expired",
            ca_file=None,
        ),
        AuthenticationError(found, why=why, fix=fix, cli_fix=cli_fix, code=code),
    ):
        assert_intact(pickled(error), error)
        assert error.cli_fix == (fix if cli_fix is None else cli_fix)


def raise_error(error: AtlasConnectError) -> None:
    """Run in a child process: raise what the parent sent, for the parent to receive."""
    raise error


def test_errors_cross_a_process_boundary() -> None:
    # "spawn": a fresh interpreter, so nothing is shared with this process but the pickles.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        futures = [pool.submit(raise_error, error) for error in EXAMPLES]
        for future, error in zip(futures, EXAMPLES, strict=True):
            received = future.exception()
            assert received is not None
            assert_intact(received, error)


# The run-time errors are their pymongo class only; the environment errors are PyMongoError.


@pytest.mark.parametrize(
    ("error", "environment_class", "runtime_class"),
    [
        (
            next(e for e in EXAMPLES if type(e) is TLSVersionRefusedError),
            TLSVersionUnsupportedError,
            ServerSelectionTimeoutError,
        ),
        (
            next(e for e in EXAMPLES if type(e) is SNIRefusedError),
            SNIUnsupportedError,
            OperationFailure,
        ),
    ],
    ids=["tls_version", "sni"],
)
def test_runtime_error_is_not_a_configuration_error(
    error: AtlasConnectError,
    environment_class: type[AtlasConnectError],
    runtime_class: type[PyMongoError],
) -> None:
    assert not isinstance(error, ConfigurationError)
    assert isinstance(error, runtime_class)
    with pytest.raises(environment_class):
        raise error


@pytest.mark.parametrize("cls", [TLSVersionUnsupportedError, SNIUnsupportedError])
def test_environment_error_is_a_pymongo_error(cls: type[AtlasConnectError]) -> None:
    error = next(e for e in EXAMPLES if type(e) is cls)
    with pytest.raises(PyMongoError):
        raise error


def pymongo_ancestors(cls: type) -> set[type]:
    return {klass for klass in cls.__mro__ if klass.__module__.startswith("pymongo")}


@pytest.mark.parametrize("cls", sorted(public_errors(), key=str))
def test_every_error_is_one_pymongo_exception(cls: type[AtlasConnectError]) -> None:
    # One pymongo class and its ancestors, never two unrelated pymongo classes; the base
    # class is none.
    ancestors = pymongo_ancestors(cls)
    leaves = [a for a in ancestors if not any(o is not a and issubclass(o, a) for o in ancestors)]
    expected = 0 if cls is AtlasConnectError else 1
    assert len(leaves) == expected, f"{cls.__name__} is {sorted(leaf.__name__ for leaf in leaves)}"


def test_explain_builds_a_tls_version_refused_error() -> None:
    # Built the way diagnosis builds it: through ServerErrors and both atlasconnect parents.
    exc = ServerSelectionTimeoutError(
        "db0.example.net:27017: [SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol "
        "version (_ssl.c:1006), Timeout: 30s, Topology Description: <>"
    )
    error = atlasconnect.explain(exc)
    assert isinstance(error, TLSVersionRefusedError)
    assert isinstance(error, ServerSelectionTimeoutError)
    assert not isinstance(error, ConfigurationError)
    assert error.hosts == ["db0.example.net:27017"]
    assert error.min_tls_version >= ssl.TLSVersion.TLSv1_2
    assert error.available
    assert_intact(pickled(error), error)


# The tree drawn in the module docstring.

TREE_LINE = re.compile(r"^(?P<indent> *)(?P<name>\w+) \((?P<bases>[\w, ]+)\)$")


def drawn_tree(docstring: str) -> list[tuple[str, str | None, list[str]]]:
    """(class, drawn parent, drawn foreign bases) for every line of the docstring's tree.

    The tree is the literal block after the line that ends with "tree of errors::".
    """
    lines = docstring.split("tree of errors::\n", 1)[1].splitlines()
    block = []
    for line in lines[1:] if lines and not lines[0].strip() else lines:
        if not line.strip():
            break
        block.append(line)
    entries = []
    parents: list[tuple[int, str]] = []
    for line in block:
        match = TREE_LINE.match(line)
        assert match is not None, f"not a tree line: {line!r}"
        indent = len(match["indent"])
        while parents and parents[-1][0] >= indent:
            parents.pop()
        parent = parents[-1][1] if parents else None
        entries.append((match["name"], parent, [b.strip() for b in match["bases"].split(",")]))
        parents.append((indent, match["name"]))
    return entries


def foreign_bases(cls: type) -> list[str]:
    """The classes from outside atlasconnect that ``cls`` adds to its parent's."""
    return [b.__name__ for b in cls.__bases__ if not b.__module__.startswith("atlasconnect")]


def tree_mismatches(docstring: str) -> list[str]:
    """Where the drawn tree differs from the classes; empty when it is right."""
    drawn = drawn_tree(docstring)
    names = [name for name, _, _ in drawn]
    errors = {cls.__name__: cls for cls in public_errors()}
    problems = [
        f"{name} drawn {names.count(name)} times" for name in set(names) if names.count(name) > 1
    ]
    problems += [f"{name} is not drawn" for name in sorted(errors.keys() - set(names))]
    for name, parent, bases in drawn:
        cls = errors.get(name)
        if cls is None:
            problems.append(f"{name} is not a public error")
            continue
        own_parents = [b.__name__ for b in cls.__bases__ if b in errors.values()]
        foreign = foreign_bases(cls)
        if own_parents != ([parent] if parent else []):
            problems.append(f"{name} drawn under {parent}, its parent is {own_parents}")
        if bases != foreign:
            problems.append(f"{name} drawn with {bases}, its foreign bases are {foreign}")
    return problems


def test_the_drawn_tree_is_the_real_one() -> None:
    assert exceptions_module.__doc__ is not None
    assert tree_mismatches(exceptions_module.__doc__) == []


def test_the_tree_check_finds_a_wrong_drawing() -> None:
    assert exceptions_module.__doc__ is not None
    right = exceptions_module.__doc__
    moved = re.sub(r"\n *(SNIRefusedError)", r"\n        \1", right)
    assert "SNIRefusedError drawn under AtlasConnectError" in " ".join(tree_mismatches(moved))
    rebased = right.replace("CABundleError (ConfigurationError)", "CABundleError (PyMongoError)")
    assert any(p.startswith("CABundleError drawn with") for p in tree_mismatches(rebased))
    missing = re.sub(r"\n *DNSResolutionError .*", "", right)
    assert "DNSResolutionError is not drawn" in tree_mismatches(missing)


README = Path(__file__).resolve().parent.parent / "README.rst"


def readme_also_a() -> dict[str, list[str]]:
    """Error -> the classes in the "also a" column of README.rst's table of errors."""
    lines = README.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:3] == ["error", "also", "a"])
    border = lines[header - 1]
    first, second = (m.span() for m in list(re.finditer("=+", border))[:2])
    rows = {}
    for line in lines[header + 2 :]:
        if line == border:
            break
        name = line[first[0] : first[1]].strip()
        if name:
            rows[name] = [b.strip() for b in line[second[0] : second[1]].split(",")]
    return rows


def test_readme_names_the_real_bases() -> None:
    rows = readme_also_a()
    errors = {cls.__name__: cls for cls in public_errors() if cls is not AtlasConnectError}
    assert rows.keys() == errors.keys()
    for name, bases in rows.items():
        assert bases == foreign_bases(errors[name]), name
