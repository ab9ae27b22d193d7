"""Operations CLI: `flask data ...` and `flask users ...` (names fixed by DESIGN.md section 5)."""

from portal.commands.alerts import alerts_cli
from portal.commands.data import data_cli
from portal.commands.users import users_cli


def init_app(app) -> None:
    app.cli.add_command(data_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(alerts_cli)
