"""Run every benchmark and write ``bench/results/*.json``."""

from __future__ import annotations

from bench import hashing, telegram


def main() -> None:
    hashing.main()
    telegram.main()


if __name__ == "__main__":
    main()
