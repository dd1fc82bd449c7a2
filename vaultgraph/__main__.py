"""``python -m vaultgraph``."""

import sys

from vaultgraph.cli import main

sys.exit(main())
