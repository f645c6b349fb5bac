"""Run every benchmark and write ``bench/results/*.json``."""

from __future__ import annotations

from bench import hashing, index, telegram


def main() -> None:
    hashing.main()
    index.main()
    telegram.main()


if __name__ == "__main__":
    main()
