"""`python -m activator` is the `activate` command."""

from activator.cli import main

raise SystemExit(main())
