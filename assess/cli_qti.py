"""`flask --app assess banks to-qti BANK_FILE --out DIR [--item ID …]`: export a bank's
choice, ranking and rewrite items as QTI 3.0 assessment item files."""
from __future__ import annotations

from pathlib import Path

import click

from .banks.loader import load
from .importers import qti


@click.command("to-qti")
@click.argument("bank_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the .xml files (created when missing).")
@click.option("--item", "item_ids", multiple=True, metavar="ID",
              help="Export only this item (repeatable). Default: every exportable item.")
def to_qti_command(bank_file: str, out_dir: str, item_ids: tuple[str, ...]) -> None:
    """Write one QTI 3.0 item file per choice, ranking and rewrite item of BANK_FILE."""
    loaded = load([bank_file])
    if loaded.errors or not loaded.banks:
        for error in loaded.errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{bank_file} is not a valid bank file; nothing written.")
    bank = loaded.banks[0]
    known = {item["id"] for item in bank.items}
    unknown = [i for i in item_ids if i not in known]
    if unknown:
        raise click.ClickException(f"bank {bank.slug!r} has no item {', '.join(unknown)}; "
                                   "nothing written.")
    export = qti.write({"bank": bank.slug, "items": bank.items},
                       list(item_ids) if item_ids else None)
    for item_id, reason in export.skipped.items():
        click.echo(f"skipped {item_id}: {reason}")
    for item_id, notes in export.notes.items():
        for note in notes:
            click.echo(f"note {item_id}: {note}")
    if not export:
        raise click.ClickException("no exportable item (only choice, ranking and rewrite items "
                                   "are written as QTI).")
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, xml in export.items():
            (out / name).write_text(xml, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out}: {exc}") from exc
    click.echo(f"Wrote {len(export)} QTI 3.0 item file(s) to {out}; skipped "
               f"{len(export.skipped)} item(s).")


def register(group: click.Group) -> None:
    group.add_command(to_qti_command)
