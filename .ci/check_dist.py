"""Check the built sdist and wheel: each carries the licence, the wheel every module.

Run by ``tox -e packaging`` after ``python -m build`` and ``twine check``, from
the checkout: ``python .ci/check_dist.py DIST_DIR``. Every ``.py`` file of the
checkout's ``atlasconnect/`` must be in the wheel (a subpackage left out of
``pyproject.toml``'s ``packages`` would otherwise install as a broken import).
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

DATA_IN_WHEEL = ("atlasconnect/py.typed", "atlasconnect/doctor-schema.json")


def required_in_wheel() -> list[str]:
    """Every module of the checkout's package, and its data files (JSON tables, schema)."""
    modules = sorted(
        path.as_posix()
        for path in Path("atlasconnect").rglob("*.py")
        if "__pycache__" not in path.parts
    )
    tables = sorted(path.as_posix() for path in Path("atlasconnect").rglob("*.json"))
    return [*modules, *tables, *DATA_IN_WHEEL]


def main(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    wheel_names = zipfile.ZipFile(wheel).namelist()
    missing = [name for name in required_in_wheel() if name not in wheel_names]
    if not any(name.endswith(".dist-info/licenses/LICENSE") for name in wheel_names):
        missing.append("*.dist-info/licenses/LICENSE")
    with tarfile.open(sdist) as archive:
        if not any(name.endswith("/LICENSE") for name in archive.getnames()):
            missing.append(f"{sdist.name}: LICENSE")
    if missing:
        sys.exit(f"missing from the distributions: {', '.join(missing)}")
    print(f"{wheel.name} and {sdist.name} carry the licence and every module")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
