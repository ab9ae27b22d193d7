"""`flask alerts send`: mail each user's digest after `flask data refresh` (DESIGN.md §5)."""

import click
from flask.cli import AppGroup

from portal.alerts.send import AlertsNotConfigured, send_all

alerts_cli = AppGroup("alerts", help="Email alerts for what users follow.")


@alerts_cli.command("send")
def send_command() -> None:
    """Send each user one digest of what is new for them; a rerun sends nothing twice."""
    try:
        summary = send_all()
    except AlertsNotConfigured as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"sent {summary.users} digest(s) with {summary.items} alert(s); {summary.failed} failed"
    )
    if summary.failed:
        raise SystemExit(1)
