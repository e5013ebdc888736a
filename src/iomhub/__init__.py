"""iomhub: Integrated Offender Management case management and performance reporting."""

__version__ = "0.1.0"
