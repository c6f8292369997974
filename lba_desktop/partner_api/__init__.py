"""The partner API: the upstream contract (rules, item shapes) answered from the catalogue."""
