"""`flask --app assess banks validate|import`: check and import bank and blueprint files.

`banks from-dataset` (``importers``) and `banks to-qti` (``qti``) join this group in
``register_cli``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..banks.errors import BankFilesInvalid
from ..services import banks as bank_service

banks_cli = AppGroup("banks", help="Validate and import question banks and blueprints.")


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
