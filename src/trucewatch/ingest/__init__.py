"""Ingestion: from files, folders, standard input and texts to clean Article records."""

from trucewatch.ingest.clean import Boilerplate, load_boilerplate
from trucewatch.ingest.metadata import Metadata, parse_published
from trucewatch.ingest.sources import FORMATS, ReadOptions, article_from_text, count_inputs, read_sources

__all__ = [
    "FORMATS",
    "Boilerplate",
    "Metadata",
    "ReadOptions",
    "article_from_text",
    "count_inputs",
    "load_boilerplate",
    "parse_published",
    "read_sources",
]
