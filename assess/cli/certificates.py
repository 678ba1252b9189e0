"""`flask --app assess certificates issue-pending|revoke`: certificates after issuing."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from .. import clock
from ..services import ServiceError, accounts, certificates

certificates_cli = AppGroup("certificates", help="Issue and revoke certificates.")


@certificates_cli.command("issue-pending")
def issue_pending_command() -> None:
    """Sign the certificates still due: their attempt was scored but signing failed (a
    missing key or JSON-LD context, say). `flask --app assess sweep` does this too."""
    run = certificates.issue_all_due(clock.now())
    click.echo(f"Issued {run.issued} certificate(s).")
    for attempt_id, error in run.failed:
        click.echo(f"  attempt {attempt_id}: still not issued: {error}", err=True)
    if run.failed:
        raise SystemExit(1)


@certificates_cli.command("revoke")
@click.argument("public_id")
@click.option("--reason", required=True, help="Shown to anyone who verifies it.")
@click.option("--admin", "admin_email", required=True, help="Email of the admin revoking it.")
def revoke_command(public_id: str, reason: str, admin_email: str) -> None:
    """Revoke a certificate by its public id."""
    try:
        admin = accounts.admin_by_email(admin_email)
        certificates.revoke(public_id, admin.id, reason, clock.now())
    except ServiceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"Revoked {public_id}.")
