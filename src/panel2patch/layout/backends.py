"""Layout backends behind one interface, chosen by name from a registry.

A learned detector or a VLM backend registers itself with ``register_backend`` and is
picked with ``get_backend(name)`` or ``parse_layout(..., backend=name)``; callers never
change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image

from panel2patch.layout.config import LayoutConfig
from panel2patch.layout.records import PanelLayout


@runtime_checkable
class LayoutBackend(Protocol):
    name: str

    def parse(self, image: Image.Image | np.ndarray) -> PanelLayout:
        """Split one 8-bit RGB figure into panels. Never raises on bad pixels."""
        ...


BackendFactory = Callable[[LayoutConfig | None], LayoutBackend]
_REGISTRY: dict[str, BackendFactory] = {}
_INSTANCES: dict[tuple[str, LayoutConfig | None], LayoutBackend] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make ``factory(config)`` available as ``get_backend(name)``."""
    _REGISTRY[name] = factory
    for key in [k for k in _INSTANCES if k[0] == name]:
        del _INSTANCES[key]


def available_backends() -> list[str]:
    return sorted(_REGISTRY)


def get_backend(name: str = "classical", config: LayoutConfig | None = None) -> LayoutBackend:
    """A backend instance, cached per (name, config) so OCR engines load once per process."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown layout backend {name!r}; available: {available_backends()}")
    key = (name, config)
    if key not in _INSTANCES:
        _INSTANCES[key] = _REGISTRY[name](config)
    return _INSTANCES[key]


def parse_layout(
    image: Image.Image | np.ndarray, config: LayoutConfig | None = None, backend: str = "classical"
) -> PanelLayout:
    """Split a figure into panels with printed labels (see ``PanelLayout``)."""
    return get_backend(backend, config).parse(image)


def _classical(config: LayoutConfig | None) -> LayoutBackend:
    from panel2patch.layout.classical import ClassicalBackend

    return ClassicalBackend(config)


register_backend("classical", _classical)
