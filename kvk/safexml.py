"""The one XML parser configuration for what kvk is given to read (instances, formatted
texts, SOAP messages): it resolves no entities and loads nothing from anywhere."""

from __future__ import annotations

from lxml import etree


def hardened_parser(**options: bool) -> etree.XMLParser:
    """An XML parser that resolves no entities and loads nothing from anywhere, with
    further lxml parser ``options``."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        **options,
    )
