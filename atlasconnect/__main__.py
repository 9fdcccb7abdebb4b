"""``python -m atlasconnect``: see :mod:`atlasconnect._cli`."""

import sys

from ._cli import main

sys.exit(main())
