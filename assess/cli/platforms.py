"""`flask --app assess platforms create|list` and `api-keys create|rotate|revoke|list`."""
from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from .. import clock
from ..models import SCOPES
from ..services import ServiceError, api_keys, platforms

platforms_cli = AppGroup("platforms", help="Platforms that use the API.")
api_keys_cli = AppGroup("api-keys", help="The platforms' API keys.")


def _refused(exc: ServiceError) -> click.ClickException:
    return click.ClickException(exc.message)


@platforms_cli.command("create")
@click.argument("name")
@click.option("--contact", "contact_email", required=True, help="The platform's contact email.")
def create_platform_command(name: str, contact_email: str) -> None:
    """Register a platform."""
    try:
        made = platforms.create_platform(name, contact_email, clock.now())
    except ServiceError as exc:
        raise _refused(exc) from exc
    click.echo(f"Registered platform {made.name} (id {made.id}).")


@platforms_cli.command("list")
def list_platforms_command() -> None:
    """Every platform, with its keys."""
    now = clock.now()
    for platform in platforms.platforms():
        click.echo(f"{platform.id}  {platform.name}  <{platform.contact_email}>")
        for key in platform.keys:
            _echo_key(key, now, indent="    ")


def _echo_key(key, now, indent: str = "") -> None:
    used = key.last_used_at.strftime("%Y-%m-%d %H:%M") if key.last_used_at else "never"
    status = api_keys.status_of(key, now)
    if status != "active":
        status += f" {key.revoked_at:%Y-%m-%d %H:%M}"
    click.echo(f"{indent}{key.prefix}  {status}  last used {used}  "
               f"scopes {','.join(key.scopes)}" + (f"  ({key.note})" if key.note else ""))


@api_keys_cli.command("create")
@click.argument("platform_name")
@click.option("--scope", "scopes", multiple=True, type=click.Choice(SCOPES),
              help="Repeat for several (default: every scope but webhooks:manage).")
@click.option("--note", default="", help="Where the key is used.")
def create_key_command(platform_name: str, scopes: tuple[str, ...], note: str) -> None:
    """Create a key; the full key is printed once."""
    try:
        platform = platforms.by_name(platform_name)
        issued = api_keys.create_key(platform.id, scopes or SCOPES[:4], note, clock.now())
    except ServiceError as exc:
        raise _refused(exc) from exc
    _echo_issued(issued)


@api_keys_cli.command("rotate")
@click.argument("prefix")
@click.option("--overlap-hours", type=click.IntRange(0, 168), default=0, show_default=True,
              help="How long the old key keeps working.")
def rotate_key_command(prefix: str, overlap_hours: int) -> None:
    """Replace a key by a new one with the same scopes; the old one stops after the overlap."""
    try:
        old = api_keys.key_by_prefix(prefix)
        issued = api_keys.rotate(old.id, clock.now(), timedelta(hours=overlap_hours))
    except ServiceError as exc:
        raise _refused(exc) from exc
    click.echo(f"Rotated {prefix}: it works until {old.revoked_at:%Y-%m-%d %H:%M} UTC.")
    _echo_issued(issued)


@api_keys_cli.command("revoke")
@click.argument("prefix")
def revoke_key_command(prefix: str) -> None:
    """Stop a key now."""
    try:
        api_keys.revoke(api_keys.key_by_prefix(prefix).id, clock.now())
    except ServiceError as exc:
        raise _refused(exc) from exc
    click.echo(f"Revoked {prefix}.")


@api_keys_cli.command("list")
def list_keys_command() -> None:
    """Every key, by platform, with when it was last used."""
    now = clock.now()
    for key in api_keys.keys():
        _echo_key(key, now, indent=f"{key.platform.name}  ")


def _echo_issued(issued: api_keys.IssuedKey) -> None:
    click.echo(f"New key {issued.key.prefix} (scopes {', '.join(issued.key.scopes)}). "
               "Copy it now, it is not shown again:")
    click.echo(issued.secret)
