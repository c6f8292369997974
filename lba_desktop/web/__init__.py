"""The local HTTP API and widget: the upstream V1 contract served from the local catalogue."""
