"""The ``jikimi`` command line (typer + rich): one module per command group, assembled in ``app.py``.

Every command works on ``JIKIMI_DATA_DIR``. Commands import what they need when they run (settings included), so
``jikimi --help`` and ``jikimi verify`` start without loading the crawlers, the hashing libraries or the stores
(``tests/test_imports.py`` checks it).

Why this package imports nothing: the ``jikimi`` script pip writes is ``from monitor.cli import main`` then
``main()`` under ``if __name__ == "__main__"``, and it is the main module of every command. The hash pool
starts its workers with ``spawn``, and a spawned process re-runs the parent's main script (as
``__mp_main__``, without the guarded call: CPython's ``multiprocessing/spawn.py``, ``_fixup_main_from_path``)
so that functions defined there can be unpickled. Had this package imported the app, each worker would
load typer, rich, pydantic and every command module before hashing anything; now the script costs a
worker this file, and the app is imported by ``main`` (``tests/monitor/fingerprint/test_worker_imports.py``).
"""

from typing import TYPE_CHECKING

from config.lazy_imports import lazy_exports

if TYPE_CHECKING:
    from monitor.cli.app import app
else:
    __getattr__ = lazy_exports(__name__, {"monitor.cli.app": ("app",)})


def main() -> None:
    """The ``jikimi`` command: parse the arguments and run the command (``monitor/cli/app.py``)."""
    from monitor.cli.app import main as run

    run()


__all__ = ["app", "main"]
