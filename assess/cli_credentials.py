"""`flask --app assess keys …`, `certificates …` and `regrade`: signing keys, certificates
and regrading after a corrected key."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from . import clock
from .services import ServiceError, accounts, certificates, regrade

keys_cli = AppGroup("keys", help="The issuer's Ed25519 signing keys (in instance/keys).")
certificates_cli = AppGroup("certificates", help="Issue and revoke certificates.")


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


@click.command("regrade")
@click.argument("item")
@click.option("--apply", "apply_it", is_flag=True,
              help="Rescore and update certificates; without it, only show what would change.")
@click.option("--admin", "admin_email", default=None, help="Email of the admin, for the log.")
def regrade_command(item: str, apply_it: bool, admin_email: str | None) -> None:
    """Grade every finished attempt that showed an older version of ITEM (bank/item) again
    against its newest version. A dry run unless --apply is given."""
    try:
        actor = accounts.admin_by_email(admin_email).id if admin_email else None
        result = (regrade.apply(item, actor, clock.now()) if apply_it
                  else regrade.plan(item, clock.now()))
    except ServiceError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"{item}: {result.checked} answer(s) graded again against version "
               f"{result.to_version}; {len(result.changes)} attempt(s) change.")
    for attempt in result.changes:
        change = attempt.change
        click.echo(f"  attempt {attempt.attempt_id} ({attempt.applicant}): {change.describe()}")
    for problem in result.incompatible:
        click.echo(f"  skipped: {problem}")
    if not apply_it and result.changes:
        click.echo("Dry run: nothing changed. Add --apply to rescore these attempts.")
