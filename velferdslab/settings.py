"""Configuration: the package's defaults (velferdslab/defaults/defaults.toml), then an operator's
config directory (VELFERDSLAB_CONFIG_DIR), then VELFERDSLAB_* variables."""

from __future__ import annotations

import os
import time
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parent
# Shipped inside the package, so an installed wheel starts without a checkout.
DEFAULTS_DIR = PACKAGE_DIR / "defaults"
# Where the project lives when run from a checkout; an installed service uses the working directory.
_CHECKOUT = PACKAGE_DIR.parent
_IN_CHECKOUT = (_CHECKOUT / "pyproject.toml").exists()
PROJECT_ROOT = _CHECKOUT if _IN_CHECKOUT else Path.cwd()
# Alembic's migrations/ and the PDF report templates' reports/ sit at the top of a checkout (the
# project's layout); the wheel's build copies them into the package (setup.py), where an installed
# service finds them.
MIGRATIONS_DIR = _CHECKOUT / "migrations" if _IN_CHECKOUT else PACKAGE_DIR / "migrations"
REPORT_TEMPLATES_DIR = _CHECKOUT / "reports" if _IN_CHECKOUT else PACKAGE_DIR / "report_templates"
# An operator's overrides: files here take the place of the shipped ones of the same name.
CONFIG_DIR = Path(os.environ.get("VELFERDSLAB_CONFIG_DIR", PROJECT_ROOT / "config"))
ENV_PREFIX = "VELFERDSLAB_"


class ConfigurationError(RuntimeError):
    """The service cannot start with this configuration."""


def _parse_env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return raw


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    instance_path: Path | None = None,
) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    with open(DEFAULTS_DIR / "defaults.toml", "rb") as handle:
        settings: dict[str, Any] = tomllib.load(handle)
    if (CONFIG_DIR / "defaults.toml").is_file():
        with open(CONFIG_DIR / "defaults.toml", "rb") as handle:
            settings.update(tomllib.load(handle))
    for key in list(settings):
        if ENV_PREFIX + key in environ:
            settings[key] = _parse_env_value(environ[ENV_PREFIX + key])
    settings.update(overrides or {})
    _resolve_database_url(settings, instance_path or PROJECT_ROOT / "instance")
    _require_secret(settings, instance_path or PROJECT_ROOT / "instance")
    return settings


def config_file(*parts: str) -> Path:
    """The operator's copy of a shipped file when there is one, else the package's."""
    override = CONFIG_DIR.joinpath(*parts)
    return override if override.is_file() else DEFAULTS_DIR.joinpath(*parts)


def _resolve_database_url(settings: dict[str, Any], instance_path: Path) -> None:
    if not settings.get("DATABASE_URL"):
        instance_path.mkdir(parents=True, exist_ok=True)
        settings["DATABASE_URL"] = f"sqlite:///{instance_path / 'velferdslab.db'}"


def _require_secret(settings: dict[str, Any], instance_path: Path) -> None:
    if settings.get("SECRET_KEY"):
        return
    if settings.get("ENV") == "production":
        raise ConfigurationError(
            "VELFERDSLAB_SECRET_KEY must be set in production: refusing to start without a secret."
        )
    if settings.get("ENV") == "test":
        settings["SECRET_KEY"] = os.urandom(32).hex()
        return
    # Development: one random key kept in the instance folder, shared by every gunicorn worker
    # (a key per process would refuse a session signed by the other worker) and by restarts.
    settings["SECRET_KEY"] = _development_secret(instance_path / "secret_key")


def _development_secret(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the other worker may be writing it this very moment
            secret = path.read_text().strip()
            if secret:
                return secret
            time.sleep(0.01)
        raise ConfigurationError(f"{path} is empty: delete it to make a new key.") from None
    secret = os.urandom(32).hex()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secret)
    return secret
