"""``python -m monitor.cli``: the same entry point as the ``jikimi`` command."""

from monitor.cli import main

main()
