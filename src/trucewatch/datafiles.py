"""Reading the YAML data files (lexicons, actor lists, rules) the same way everywhere.

YAML 1.1, which PyYAML follows, reads the bare words yes/no/on/off as booleans. Word lists
are full of "on" and "no", so the loader here keeps them as strings, as YAML 1.2 does; only
true/false are booleans.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from trucewatch.errors import DataFileError

Model = TypeVar("Model", bound=BaseModel)


class WordsLoader(yaml.SafeLoader):
    """A safe loader whose booleans are only true and false."""


WordsLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
WordsLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(path: Path) -> Any:
    """The content of a YAML data file, or DataFileError naming the file and the problem."""
    try:
        return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=WordsLoader)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: not valid YAML: {exc}") from exc


def load_model(path: Path, model: type[Model], what: str) -> Model:
    """A YAML data file validated against ``model`` (an empty file as an empty mapping), or
    DataFileError naming the file and ``what`` it should hold when it cannot be read, and the
    first field at fault when it does not validate."""
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=WordsLoader) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: cannot read {what}: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataFileError(f"{path}: {validation_problem(exc)}") from exc


def validation_problem(exc: ValidationError) -> str:
    """Where and what the first problem of ``exc`` is, and how many there are."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']} ({exc.error_count()} problem(s))"
