"""What exporting and purging need of an open monitor: the store, the keys and the settings.

A ``Protocol``, so ``monitor/packets`` never imports the context that wires everything (``MonitorContext``
satisfies it).
"""

from __future__ import annotations

from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from config.settings import Settings
from monitor.store.base import Store


class PacketAccess(Protocol):
    settings: Settings
    store: Store
    key: bytes
    signer: Ed25519PrivateKey
