"""`flask --app assess users create|create-admin|accommodate`: accounts."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock
from ..services import ServiceError, accounts
from ..settings import settings

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.option("--role", type=click.Choice(["applicant", "grader", "lead", "admin"]),
              default="applicant", show_default=True)
@click.password_option(help="Asked for when not given.")
def create_user_command(email: str, name: str | None, role: str, password: str) -> None:
    """Create an account with any role."""
    _create(email, name, role, password)


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default=None)
@click.password_option()
def create_admin_command(email: str, name: str | None, password: str) -> None:
    """Create an administrator."""
    _create(email, name, "admin", password)


def _create(email: str, name: str | None, role: str, password: str) -> None:
    try:
        user = accounts.create_user(email, name or email.split("@")[0], password, role,
                                    now=clock.now(),
                                    min_length=settings().password_min_length)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created {user.role} {user.email}.")


@users_cli.command("accommodate")
@click.argument("email")
@click.option("--extra-minutes", type=int, default=0, show_default=True)
@click.option("--multiplier", type=float, default=1.0, show_default=True)
def accommodate_command(email: str, extra_minutes: int, multiplier: float) -> None:
    """Grant an applicant extra time (applies to attempts they start from now on)."""
    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}.")
    try:
        accounts.set_accommodation(user.id, extra_minutes, multiplier)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"{user.email}: {multiplier:g}× time plus {extra_minutes} extra minute(s).")
