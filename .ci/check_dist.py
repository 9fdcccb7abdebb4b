"""Check the built sdist and wheel: each carries the licence, the wheel every module.

Run by ``tox -e packaging`` after ``python -m build`` and ``twine check``:
``python .ci/check_dist.py DIST_DIR``.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from pathlib import Path

REQUIRED_IN_WHEEL = (
    "atlasconnect/__init__.py",
    "atlasconnect/py.typed",
    "atlasconnect/doctor-schema.json",
    "atlasconnect/django/base.py",
    "atlasconnect/flask.py",
    "atlasconnect/celery.py",
)


def main(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    wheel_names = zipfile.ZipFile(wheel).namelist()
    missing = [name for name in REQUIRED_IN_WHEEL if name not in wheel_names]
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
