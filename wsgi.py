"""WSGI entry point: `gunicorn wsgi:app`."""

from portal import create_app
from portal.statistics.intervals import load_libraries

app = create_app()
load_libraries()  # at worker start, so no request waits a second for statsmodels and scipy
