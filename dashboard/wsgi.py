"""The WSGI entry point for gunicorn: ``gunicorn dashboard.wsgi:server``. The only module that builds an
app at import time."""

from dashboard.app import create_app
from dashboard.settings import Settings

app = create_app(Settings.from_env())
server = app.server
