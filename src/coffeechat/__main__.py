"""``python -m coffeechat`` runs the same entry point as the ``coffeechat`` command."""

from coffeechat.cli import main

raise SystemExit(main())
