"""`flask --app assess regrade ITEM [--apply]`: grade again after a corrected key."""
from __future__ import annotations

import sys

import click

from .. import clock
from ..services import ServiceError, accounts, regrade


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
