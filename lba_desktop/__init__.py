"""LBA Desktop: offline search of apprenticeship trainings and recruiting companies."""

__version__ = "0.1.0"
