"""The project keeps its promises: README commands, CI, data files, import direction."""

from __future__ import annotations

import ast
import re

import yaml

from trucewatch.actors.catalogue import BUNDLED_FILES, load_catalogue
from trucewatch.ingest.clean import load_boilerplate

from .conftest import ROOT

SRC = ROOT / "src" / "trucewatch"
# The flow of DESIGN.md: a module may import only from its own stage or earlier ones.
STAGES = [
    "model",
    "errors",
    "groups",
    "collector",
    "datafiles",
    "buildcache",
    "config",
    "ingest",
    "tag_rules",
    "nlp",
    "actors",
    "events",
    "pipeline",
    "batch",
    "store",
    "exports",
    "analysis",
    "evaluation",
    "api",
    "web",  # the web app is thin over the API; only the CLI (its `serve` command) imports it
    "cli",
]


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.startswith("python3 -m venv")]


def test_readme_has_the_two_commands_and_ci_runs_the_test_one() -> None:
    main, tests = readme_commands()[:2]
    assert "trucewatch demo" in main
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    match = re.search(r"^TEST_COMMAND='(.*)'$", ci, re.MULTILINE)
    assert match and match.group(1) == tests


def test_every_bundled_data_file_loads_and_validates() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.countries) >= 190
    assert len(catalogue.people) >= 100 and len(catalogue.organisations) >= 100
    assert all(
        c.demonyms for code, c in catalogue.countries.items() if code in {"ISR", "IRN", "USA", "UKR", "RUS"}
    )
    for path in BUNDLED_FILES:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#"), f"{path.name} must open with a comment documenting it"
        assert isinstance(yaml.safe_load(text), dict)
    assert load_boilerplate().trailers


def stage_of(module: str) -> int:
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else parts[0]
    return STAGES.index(name)


def test_imports_flow_one_way() -> None:
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC.parent).with_suffix("")
        module = ".".join(p for p in rel.parts if p != "__init__")
        if module in ("trucewatch", "trucewatch.__main__") or "migrations" in module:
            continue
        own = stage_of(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("trucewatch."):
                assert stage_of(node.module) <= own, f"{module} imports {node.module} from a later stage"
