"""`make run`: migrate the embedded database, load the demo on first run, serve the portal."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.accounts import AccountError, create_user, grant_role  # noqa: E402
from portal.ingest.demo import load_demo  # noqa: E402
from portal.queries.datasets import loaded_datasets  # noqa: E402

DEMO_EMAIL = "demo@haresign.example"
DEMO_PASSWORD = "demo-password-2026"
DEMO_PRACTICE = "A81001"


def main() -> None:
    started = float(os.environ.get("HARESIGN_SETUP_STARTED") or time.time())
    host, port = "127.0.0.1", int(os.environ.get("PORT", "5000"))
    app = create_app()
    with app.app_context():
        upgrade()
        if not loaded_datasets():
            print("First run: generating and loading synthetic England (demo data)...", flush=True)
            load_demo(progress=lambda message: print(f"  {message}", flush=True))
        try:
            create_user(DEMO_EMAIL, DEMO_PASSWORD)
            grant_role(DEMO_EMAIL, DEMO_PRACTICE, "admin")
        except AccountError:
            pass  # made on an earlier run
    print(
        f"\nHaresign is ready at http://{host}:{port}/  (set-up took {time.time() - started:.1f} s)\n"
        f"Demo sign-in: {DEMO_EMAIL} / {DEMO_PASSWORD} (admin at practice {DEMO_PRACTICE})\n"
        "The data is synthetic, in the real NHS file layouts. Press Ctrl+C to stop.\n",
        flush=True,
    )
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


if __name__ == "__main__":
    main()
