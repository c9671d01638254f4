"""The WSGI entry point for gunicorn: `gunicorn velferdslab.wsgi:app`."""

from velferdslab.app import create_app

app = create_app()
