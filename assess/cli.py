"""`flask --app assess …` commands. Each parses its arguments and calls one service."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import clock
from .banks.errors import BankFilesInvalid
from .services import ServiceError, accounts, attempts, certificates
from .services import banks as bank_service

banks_cli = AppGroup("banks", help="Validate and import question banks and blueprints.")
users_cli = AppGroup("users", help="Manage accounts.")


def _paths(paths: tuple[str, ...]) -> list[str]:
    """The paths given, or every configured bank folder (``ASSESS_QUESTION_BANKS_DIR``: one or
    several, separated by ``os.pathsep``); a configured folder that does not exist is an error."""
    if paths:
        return list(paths)
    folders = current_app.config["QUESTION_BANKS_DIRS"]
    missing = [f for f in folders if not Path(f).is_dir()]
    if missing:
        raise click.ClickException(
            f"QUESTION_BANKS_DIR (ASSESS_QUESTION_BANKS_DIR): no such folder: "
            f"{', '.join(missing)}")
    return list(folders)


@banks_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--strict", is_flag=True,
              help="Exit with status 1 when linting finds anything (not only on errors), or "
                   "when the strategy simulation fails a bar (implies --strategies).")
@click.option("--strategies", is_flag=True,
              help="Simulate test-taking strategies on every timed blueprint (takes a while).")
def validate_command(paths: tuple[str, ...], strict: bool, strategies: bool) -> None:
    """Check bank and blueprint files (default: question_banks/); print every error, then
    lint warnings (near-duplicates, gold position and length bias, explanations, rubrics)."""
    loaded = bank_service.validate_paths(_paths(paths))
    for error in loaded.errors:
        click.echo(f"error: {error}", err=True)
    items = sum(len(b.items) for b in loaded.banks)
    if loaded.errors:
        click.echo(f"{len(loaded.errors)} error(s) in {len(loaded.files)} file(s).", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(loaded.files)} file(s), {len(loaded.banks)} bank(s) with {items} "
               f"item(s), {len(loaded.assessments)} assessment(s).")
    # Lint findings are warnings too, unless --strict: the files themselves are valid.
    findings = bank_service.lint_report(loaded)
    for finding in findings:
        click.echo(f"lint: {finding}", err=True)
    if findings:
        click.echo(f"{len(findings)} lint finding(s) in {len(loaded.banks)} bank(s)"
                   + (" (--strict: failing)." if strict else "."), err=True)
    else:
        click.echo(f"No lint findings in {len(loaded.banks)} bank(s).")
    # What answering without reading earns per item type in each blueprint (the table behind
    # the blueprint-shortcut lint rule).
    for line in bank_service.shortcut_report(loaded):
        click.echo(line)
    # Warnings only: a tier that guessing can reach is a design problem, not a broken file.
    for line in bank_service.guessing_report(loaded):
        click.echo(line, err=line.startswith("warning:"))
    problems: list[str] = []
    if strict or strategies:
        lines, problems = bank_service.strategy_report_lines(loaded)
        for line in lines:
            click.echo(line)
        for problem in problems:
            click.echo(f"validity: {problem}", err=True)
        if not problems:
            click.echo("No shortcut reaches a tier, forms are equal and the keyed part is "
                       "reliable in every simulated blueprint.")
    if strict and (findings or problems):
        sys.exit(1)


@banks_cli.command("import")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def import_command(paths: tuple[str, ...]) -> None:
    """Import banks and blueprints; unchanged items keep their version."""
    try:
        report = bank_service.import_paths(_paths(paths), now=clock.now())
    except BankFilesInvalid as exc:
        for error in exc.errors:
            click.echo(f"error: {error}", err=True)
        click.echo(f"Nothing imported: {len(exc.errors)} error(s).", err=True)
        sys.exit(1)
    for slug, counts in report.banks.items():
        click.echo(f"bank {slug}: {counts['created']} new, {counts['updated']} changed, "
                   f"{counts['unchanged']} unchanged, {counts['retired']} retired item(s); "
                   f"{counts['rubrics_changed']} rubric version(s) added")
    for slug, status in report.assessments.items():
        click.echo(f"assessment {slug}: {status}")
    if not report.changed:
        click.echo("Nothing changed.")


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
                                    min_length=current_app.config["PASSWORD_MIN_LENGTH"])
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created {user.role} {user.email}.")


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


@click.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """The periodic repair (run it from cron every minute): finalise timed attempts whose
    deadline and grace have passed, score attempts whose grading is complete but were never
    scored, and sign the certificates still due. Exits 1 if anything failed (and says what)."""
    report = attempts.sweep(clock.now())
    click.echo(f"Finalised {len(report.finalised)} attempt(s) past their deadline.")
    click.echo(f"Scored {len(report.rescored)} attempt(s) whose grading was complete.")
    click.echo(f"Issued {report.certificates.issued} certificate(s) that were due.")
    failures = report.failed + report.certificates.failed
    for attempt_id, error in failures:
        click.echo(f"  attempt {attempt_id}: {error}", err=True)
    if failures:
        raise SystemExit(1)


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


def register_cli(app: Flask) -> None:
    from .cli_credentials import certificates_cli, keys_cli, regrade_command
    from .cli_importers import register as register_importers
    from .cli_qti import register as register_qti
    app.cli.add_command(keys_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(regrade_command)
    app.cli.add_command(sweep_command)
    app.cli.add_command(banks_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    register_importers(banks_cli)
    register_qti(banks_cli)
