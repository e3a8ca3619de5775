"""panel2patch: biomedical figures -> figure / panel / region image-text pairs."""

__version__ = "0.1.0"
