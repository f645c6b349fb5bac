"""Test doubles: local test sites (and later the telethon client double and a local RFC 3161 authority)."""
