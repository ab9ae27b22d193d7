"""WSGI entry point: `gunicorn wsgi:app`."""

from portal import create_app, worker

app = create_app()
worker.prepare()  # at worker start, so no request waits for imports or a full GC pass
