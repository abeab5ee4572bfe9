"""Plain text and Markdown articles.

Plain text may open with the same YAML front matter as Markdown (between ``---`` lines); a first
line that reads as a headline (short, followed by a blank line) becomes the title. Markdown's
markup is reduced to plain paragraphs with markdown-it, keeping link texts.
"""

from __future__ import annotations

import re

import yaml
from markdown_it import MarkdownIt

from trucewatch.errors import InputError
from trucewatch.ingest.metadata import Metadata, metadata_from_mapping

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# A first line longer than this many words is the article's first paragraph, not its headline.
HEADLINE_MAX_WORDS = 25


def read_plain(text: str) -> tuple[str, Metadata]:
    """The body and metadata: YAML front matter if any, and a title from a headline-like first line."""
    front, text = split_front_matter(text)
    meta = metadata_from_mapping(front)
    lines = text.lstrip().split("\n")
    first = lines[0].strip()
    if (
        len(lines) > 2
        and not lines[1].strip()
        and 0 < len(first.split()) <= HEADLINE_MAX_WORDS
        and not first.endswith((".", ","))
    ):
        return "\n".join(lines[2:]), Metadata(title=first).overlaid(meta)
    return text, meta


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """The YAML front matter as a mapping (empty when absent) and the text after it."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        return {}, text
    try:
        raw = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise InputError("front matter must be a YAML mapping of field: value")
    return raw, text[match.end() :]


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Paragraph text of a Markdown document, and its first level-one heading if any."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    paragraphs: list[str] = []
    heading: str | None = None
    in_h1 = False
    for token in tokens:
        if token.type == "heading_open":
            in_h1 = token.tag == "h1"
        elif token.type == "inline":
            parts = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            line = "".join(parts).strip()
            if in_h1 and heading is None:
                heading = line
            elif line:
                paragraphs.append(line)
        elif token.type == "heading_close":
            in_h1 = False
    return "\n\n".join(paragraphs), heading


def read_markdown(text: str) -> tuple[str, Metadata]:
    """The body of a Markdown article and the metadata of its front matter."""
    front, body = split_front_matter(text)
    meta = metadata_from_mapping(front)
    plain, heading = markdown_to_text(body)
    if heading and not meta.title:
        meta = meta.overlaid(Metadata(title=heading))
    return plain, meta
