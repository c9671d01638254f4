"""Configuration: defaults from config/, environment overrides, and no start without a secret."""

from __future__ import annotations

import pytest

from velferdslab.settings import ConfigurationError, load_settings


def test_environment_variables_override_the_defaults(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(
        environ={
            "VELFERDSLAB_DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/x",
            "VELFERDSLAB_TOKEN_TTL_SECONDS": "600",
            "VELFERDSLAB_SECRET_KEY": "from-the-environment",
        },
        instance_path=tmp_path,
    )
    assert settings["DATABASE_URL"] == "postgresql+psycopg://u@127.0.0.1/x"
    assert settings["TOKEN_TTL_SECONDS"] == 600  # parsed as a number, not text
    assert settings["SECRET_KEY"] == "from-the-environment"


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(environ={}, instance_path=tmp_path)
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'velferdslab.db'}"


def test_production_refuses_to_start_without_a_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigurationError, match="VELFERDSLAB_SECRET_KEY"):
        load_settings(environ={"VELFERDSLAB_ENV": "production"}, instance_path=tmp_path)
    development = load_settings(environ={}, instance_path=tmp_path)
    assert len(development["SECRET_KEY"]) == 64  # random, never a fixed one


def test_development_workers_share_one_kept_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Two gunicorn workers each load the settings: a session signed by one must be valid in
    # the other, and survive a restart.
    first = load_settings(environ={}, instance_path=tmp_path)["SECRET_KEY"]
    second = load_settings(environ={}, instance_path=tmp_path)["SECRET_KEY"]
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    other = load_settings(environ={}, instance_path=tmp_path / "elsewhere")["SECRET_KEY"]
    assert other != first
