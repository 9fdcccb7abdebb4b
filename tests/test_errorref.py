"""The class box of the error reference (``docs/_ext/errorref.py``) lists each error's attributes.

The public classes say they are ``atlasconnect``'s (``__module__`` is
rewritten in ``atlasconnect/__init__.py``), so the box cannot find the classes
that define the attributes by their ``__module__``; these tests keep it from
silently listing none. They need Sphinx (the ``docs`` extra): skipped without
it, they run in ``tox -e docs``.
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

import pytest

import atlasconnect
from atlasconnect import _exceptions

pytest.importorskip("sphinx")

EXTENSION = Path(__file__).resolve().parent.parent / "docs" / "_ext" / "errorref.py"


def _load_extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("errorref", EXTENSION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


errorref = _load_extension()


def _listed(cls: type[BaseException]) -> set[str]:
    """The attribute names the box of ``cls`` lists (each line starts ``- ``name````)."""
    return {line.split("``")[1] for line in errorref.attribute_lines(cls)}


WITH_OWN_ATTRIBUTES = sorted(
    name
    for name, cls in errorref.exported_errors().items()
    if set(inspect.get_annotations(cls)) - set(errorref.COMMON_ATTRIBUTES) - {"reasons"}
)


@pytest.mark.parametrize("name", WITH_OWN_ATTRIBUTES)
def test_the_box_lists_the_public_attributes_the_class_declares(name: str) -> None:
    cls = getattr(atlasconnect, name)
    declared = {
        attribute
        for attribute in inspect.get_annotations(cls)
        if not attribute.startswith("_") and attribute not in errorref.COMMON_ATTRIBUTES
    }
    if cls is not atlasconnect.AtlasConnectError:  # the base's, overridden: in the base's box
        declared -= set(inspect.get_annotations(atlasconnect.AtlasConnectError))
    assert declared
    assert declared <= _listed(cls)


def test_the_base_class_attributes_are_listed_once_in_the_base_box() -> None:
    base = _listed(atlasconnect.AtlasConnectError)
    assert {"family", "reasons", "cli_fix"} <= base
    assert not base & _listed(atlasconnect.CABundleError) - set(errorref.COMMON_ATTRIBUTES)


def test_the_docstrings_version_notes_stay_on_the_api_page() -> None:
    assert ".. versionadded::" in (_exceptions.AtlasConnectError.cli_fix.__doc__ or "")
    assert not any(
        "versionadded" in line for line in errorref.attribute_lines(atlasconnect.AtlasConnectError)
    )


def test_private_attributes_are_not_listed() -> None:
    assert "_cli_fix" in inspect.get_annotations(_exceptions.AtlasConnectError)
    assert not any(name.startswith("_") for name in _listed(atlasconnect.AtlasConnectError))


def test_a_reason_described_below_is_not_listed_in_the_box_too() -> None:
    cls = atlasconnect.ServerUnreachableError
    in_box = " ".join(errorref.attribute_lines(cls, frozenset({"reason"})))
    assert "no_primary" in " ".join(errorref.attribute_lines(cls))
    assert "no_primary" not in in_box
    assert "``reason`` (``Reason``)" in in_box
