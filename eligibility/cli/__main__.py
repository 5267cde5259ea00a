"""``python -m eligibility.cli`` — the same as the ``eligibility`` command."""

from eligibility.cli import main

raise SystemExit(main())
