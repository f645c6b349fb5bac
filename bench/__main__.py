"""Run every benchmark and write ``bench/results/*.json``."""

from __future__ import annotations

from bench import hashing


def main() -> None:
    hashing.main()


if __name__ == "__main__":
    main()
