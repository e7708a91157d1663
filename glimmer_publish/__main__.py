"""`python -m glimmer_publish` is the `glimmer` command (handy where scripts are not on PATH)."""

import sys

from .cli import main

sys.exit(main())
