"""`flask users create | grant | list`: operate accounts without the web pages."""

import click
from flask.cli import AppGroup

from portal.accounts import AccountError, create_user, grant_role, list_users

users_cli = AppGroup("users", help="Create accounts and grant practice roles.")


@users_cli.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="A site administrator.")
def create_command(email: str, password: str, admin: bool) -> None:
    """Create a verified account for EMAIL."""
    try:
        user = create_user(email, password, admin=admin)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {user.email}{' (site admin)' if user.is_admin else ''}")


@users_cli.command("grant")
@click.argument("email")
@click.argument("ods_code")
@click.option("--role", type=click.Choice(["member", "admin"]), default="member", show_default=True)
def grant_command(email: str, ods_code: str, role: str) -> None:
    """Give EMAIL an active ROLE at the practice ODS_CODE."""
    try:
        grant = grant_role(email, ods_code, role)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{email} is now an active {grant.role} at {grant.practice_code}")


@users_cli.command("list")
def list_command() -> None:
    """Every account with its practice roles."""
    for user in list_users():
        roles = ", ".join(f"{r.practice_code}:{r.role}:{r.status}" for r in user.roles) or "-"
        flags = " admin" if user.is_admin else ""
        click.echo(f"{user.email}{flags}  roles: {roles}")
