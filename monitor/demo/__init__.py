"""The bundled demo: a synthetic forum with generated pictures and a blocklist made from some of them."""

__all__: list[str] = []
