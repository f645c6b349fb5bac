"""Monitor: hash, match, preserve and store what the crawlers see; the CLI and the wiring live here.

The tree follows the pipeline (``monitor/pipeline.py`` numbers the steps):

- ``fingerprint/``  picture and video hashing, query-side variants, victim-side crops, the process pool
- ``signals/``      one module per hash type, the indexes they bring, and the registry of them
- ``matching/``     the matcher, video matching, hash lists, victim intake, retro-matching
- ``packets/``      custody log, time-stamps, exports and their documents, purging
- ``store/``        persistence (SQLite, MongoDB) behind small protocols
- ``review/``       the review web UI
- ``operations/``   the daemon, scheduler, removal re-checks, alerts, status, logs
- ``cli/``          the command line, one module per command group
- ``demo/``         the bundled synthetic forum and channel

At the top: ``pipeline.py`` (a sighting's steps), ``runner.py`` (a crawl through the pipeline),
``context.py`` (what a command opens), ``records.py`` (what the store keeps), ``counters.py``, ``errors.py``.
Importing ``monitor`` loads nothing else: import the module you need.
"""

__all__: list[str] = []
