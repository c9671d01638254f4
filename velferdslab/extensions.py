"""Flask extensions, created unbound and initialised by the app factory."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy

from velferdslab.db import Base

# Models derive from velferdslab.db.Base (no Flask in models); the extension shares its metadata.
db = SQLAlchemy(metadata=Base.metadata, session_options={"expire_on_commit": False})
