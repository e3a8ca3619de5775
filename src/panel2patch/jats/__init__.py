"""JATS (PubMed Central NXML) parsing: article metadata, license, figures and their mentions."""

from panel2patch.jats.license import license_group
from panel2patch.jats.parse import parse_article

__all__ = ["license_group", "parse_article"]
