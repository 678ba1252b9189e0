"""`flask --app assess demo`: the demo accounts, for local use."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import clock
from ..services import accounts, certificates
from ..settings import settings


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create (or reset) the demo accounts and print how to sign in. For local use only."""
    click.echo("Demo accounts (local use only):")
    for account in accounts.ensure_demo_users(clock.now()):
        click.echo(f"  {account.role:<10} {account.email:<24} password: {account.password}")
    key = certificates.signing_key(clock.now())
    click.echo(f"Certificates are signed with {key.kid} (instance keys; rotate with "
               "`flask --app assess keys generate`).")
    current = settings()
    if current.mail_server:
        click.echo(f"Mails are sent over SMTP through {current.mail_server}:{current.mail_port}.")
    else:
        click.echo(f"Mails are written to {current.mail_folder} (one .eml file each; set "
                   "MAIL_SERVER to send them).")
