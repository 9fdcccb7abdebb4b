"""``python -m atlasconnect``: see :mod:`atlasconnect.cli`."""

import sys

from .cli import main

sys.exit(main())
