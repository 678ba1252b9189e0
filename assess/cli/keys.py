"""`flask --app assess keys generate|list`: the issuer's signing keys."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock
from ..services import certificates

keys_cli = AppGroup("keys", help="The issuer's Ed25519 signing keys (in instance/keys).")


@keys_cli.command("generate")
def generate_key_command() -> None:
    """Create a new signing key; it signs from now on. Older keys stay published so that
    what they signed keeps verifying (this is how keys are rotated)."""
    key = certificates.key_store().generate(clock.now())
    click.echo(f"Generated {key.kid} in {certificates.key_store().directory}")
    click.echo(f"Verification method: {certificates.issuer_id()}#{key.kid}")


@keys_cli.command("list")
def list_keys_command() -> None:
    """Every published key, the active one marked."""
    keys = certificates.published_keys()
    if not keys:
        click.echo("No signing keys yet: run `flask --app assess keys generate`.")
    for key in keys:
        click.echo(f"{'*' if key.active else ' '} {key.kid}  created {key.created:%Y-%m-%d}  "
                   f"{key.multibase}")
