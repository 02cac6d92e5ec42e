"""``python -m jiangxin`` is the ``jiangxin`` command."""

from jiangxin.cli import main

raise SystemExit(main())
