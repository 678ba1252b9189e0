"""`flask --app assess banks to-qti BANK_FILE --out DIR [--item ID …]`: export a bank's
choice, ranking and rewrite items as QTI 3.0 assessment item files (``services.bank_files``).
QTI files are read into a bank by `banks from-dataset qti` (``importers``)."""
from __future__ import annotations

import click

from ..services import bank_files


@click.command("to-qti")
@click.argument("bank_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the .xml files (created when missing).")
@click.option("--item", "item_ids", multiple=True, metavar="ID",
              help="Export only this item (repeatable). Default: every exportable item.")
def to_qti_command(bank_file: str, out_dir: str, item_ids: tuple[str, ...]) -> None:
    """Write one QTI 3.0 item file per choice, ranking and rewrite item of BANK_FILE."""
    outcome = bank_files.bank_to_qti(bank_file, out_dir, item_ids)
    for line in outcome.report:
        click.echo(line)
    for line in outcome.errors:
        click.echo(line, err=True)
    if outcome.refusal:
        raise click.ClickException(outcome.refusal)
    for line in outcome.done:
        click.echo(line)
