"""Flask-facing code: permissions and one blueprint package per feature."""
