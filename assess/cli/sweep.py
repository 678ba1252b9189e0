"""`flask --app assess sweep`: the periodic repair, by hand (the job worker runs it every
minute: assess/jobs/tasks.py)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import clock
from ..services import attempts


@click.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """The periodic repair, at once (`jobs worker` does it every minute): finalise timed
    attempts whose deadline and grace have passed, score attempts whose grading is complete
    but were never scored, and sign the certificates still due. Exits 1 if anything failed
    (and says what)."""
    report = attempts.sweep(clock.now())
    click.echo(f"Finalised {len(report.finalised)} attempt(s) past their deadline.")
    click.echo(f"Scored {len(report.rescored)} attempt(s) whose grading was complete.")
    click.echo(f"Issued {report.certificates.issued} certificate(s) that were due.")
    failures = report.failed + report.certificates.failed
    for attempt_id, error in failures:
        click.echo(f"  attempt {attempt_id}: {error}", err=True)
    if failures:
        raise SystemExit(1)
