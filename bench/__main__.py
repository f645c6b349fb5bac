"""Run every benchmark and write ``bench/results/*.json``."""

from __future__ import annotations

from bench import daemon_idle, evidence, hashing, index, retro, robustness, telegram


def main() -> None:
    hashing.main()
    index.main()
    retro.main()
    robustness.main()
    telegram.main()
    evidence.main()
    daemon_idle.main()


if __name__ == "__main__":
    main()
