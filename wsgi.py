"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""
from donorclub import create_app

app = create_app()
