"""Storage, referentials, upstream clients and parsers (no Qt)."""
