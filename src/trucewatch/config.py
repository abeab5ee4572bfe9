"""Settings: where the database lives and which extra data files to load.

One :class:`Settings` object travels through the stages; nothing reads globals. Values come,
in increasing priority, from the defaults, the TOML file (``trucewatch.toml`` in the working
directory, the user's config directory, or the path in ``TRUCEWATCH_CONFIG``), environment
variables, and finally explicit arguments (the CLI's ``--db``).

Example ``trucewatch.toml``::

    db = "sqlite:////home/me/conflict.db"
    actor_files = ["my_actors.yaml"]
    boilerplate_files = ["my_boilerplate.yaml"]
    api_token = "a long random string"   # or TRUCEWATCH_API_TOKEN; needed to serve beyond localhost
    max_body_bytes = 2000000             # the largest request body the web API accepts
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from trucewatch.errors import ConfigError

CONFIG_NAME = "trucewatch.toml"
_LIST_KEYS = (
    "actor_files",
    "boilerplate_files",
    "lexicon_files",
    "ceasefire_files",
    "place_files",
    "mission_files",
)
DEFAULT_MAX_BODY_BYTES = 2_000_000
# Seconds a SQLite write waits for another process's. A rebuild writes its event clusters in one
# transaction, which grows with the backlog it rebuilds (some 10 s for 2,000 articles added to
# 12,000; a run rebuilds up to 10,000 at once): a second process storing articles (a watch beside
# a batch) waits it out instead of failing after SQLite's usual few seconds.
DEFAULT_BUSY_TIMEOUT = 300.0
# A token short enough to guess is no protection for a server reachable from the network.
MIN_TOKEN_LENGTH = 16


def default_db_path() -> Path:
    """The SQLite file used when no database is configured: the user's data directory."""
    return Path(platformdirs.user_data_dir("trucewatch")) / "trucewatch.db"


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Paths in lists are resolved against the config file's folder."""

    db: str = ""
    actor_files: tuple[Path, ...] = field(default=())
    boilerplate_files: tuple[Path, ...] = field(default=())
    lexicon_files: tuple[Path, ...] = field(default=())
    ceasefire_files: tuple[Path, ...] = field(default=())
    place_files: tuple[Path, ...] = field(default=())
    mission_files: tuple[Path, ...] = field(default=())
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    # The web API: the token that writes must carry (required when serving beyond loopback),
    # and the largest request body accepted, so one upload cannot exhaust the server's memory.
    api_token: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL; a bare path is taken as a SQLite file."""
        return database_url(self.db or str(default_db_path()))

    def with_db(self, db: str | None) -> Settings:
        """A copy with another database, when one is given."""
        return dataclasses.replace(self, db=db) if db else self


def database_url(db: str) -> str:
    """Turn ``db`` (a URL or a file path) into a SQLAlchemy URL."""
    if "://" in db:
        if db.startswith("postgres://"):
            return "postgresql+psycopg://" + db[len("postgres://") :]
        if db.startswith("postgresql://"):
            return "postgresql+psycopg://" + db[len("postgresql://") :]
        return db
    return f"sqlite:///{Path(db).expanduser().absolute()}"


def _config_path(explicit: Path | None) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return explicit
    env = os.environ.get("TRUCEWATCH_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"{path}: config file named by TRUCEWATCH_CONFIG not found")
        return path
    for candidate in (
        Path.cwd() / CONFIG_NAME,
        Path(platformdirs.user_config_dir("trucewatch")) / CONFIG_NAME,
    ):
        if candidate.is_file():
            return candidate
    return None


def load_settings(config: Path | None = None, db: str | None = None) -> Settings:
    """Read settings from the config file, the environment and ``db``, in that order."""
    values: dict[str, object] = {}
    path = _config_path(config)
    if path is not None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from exc
        values.update(_validated(raw, path))
    env_db = os.environ.get("TRUCEWATCH_DB")
    if env_db:
        values["db"] = env_db
    env_actors = os.environ.get("TRUCEWATCH_ACTOR_FILES")
    if env_actors:
        values["actor_files"] = tuple(Path(p) for p in env_actors.split(os.pathsep) if p)
    env_token = os.environ.get("TRUCEWATCH_API_TOKEN")
    if env_token:
        values["api_token"] = env_token
    settings = Settings(**values)  # type: ignore[arg-type]
    return settings.with_db(db)


def _validated(raw: dict[str, object], path: Path) -> dict[str, object]:
    known = {f.name for f in dataclasses.fields(Settings)}
    out: dict[str, object] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: {key} must be a list of file paths")
            out[key] = tuple((path.parent / v).resolve() for v in value)
        elif key == "db":
            if not isinstance(value, str):
                raise ConfigError(f"{path}: db must be a string (a path or a database URL)")
            out[key] = value
        elif key == "busy_timeout":
            if not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"{path}: busy_timeout must be a number of seconds")
            out[key] = float(value)
        elif key == "api_token":
            if not isinstance(value, str) or len(value) < MIN_TOKEN_LENGTH:
                raise ConfigError(
                    f"{path}: api_token must be a string of at least {MIN_TOKEN_LENGTH} characters"
                )
            out[key] = value
        elif key == "max_body_bytes":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{path}: max_body_bytes must be a positive number of bytes")
            out[key] = value
    return out
