"""Flask extensions, created unbound and initialised by the app factory."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy

from velferdslab.db import Base

# Models derive from velferdslab.db.Base (no Flask in models); the extension shares its metadata.
db = SQLAlchemy(metadata=Base.metadata, session_options={"expire_on_commit": False})


def make_limiter() -> Limiter:
    """One per app: limits are attached to views when an app's blueprints are made, so a shared
    instance would count every attempt once per app created in the process.

    Counts live in each process's memory: with N gunicorn workers an address gets at most N times
    the limit. Set RATELIMIT_STORAGE_URI to Redis or memcached for one shared count."""
    return Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")
