"""`flask --app assess banks from-dataset`: turn a labelled dataset (QTI 3.0 items among the
formats) into a bank YAML file. ``services.bank_files`` reads, checks and writes it."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..banks import loader
from ..importers.registry import FORMATS
from ..services import bank_files


def _slug_option(ctx, param, value):
    if value is not None and not loader.SLUG.match(value):
        raise click.BadParameter(f"expected a slug (lowercase letters, digits, '.', '_', '-'; "
                                 f"at most 80 characters), got {value!r}")
    return value


FORMAT_HELP = ", ".join(sorted(FORMATS))


@click.command("from-dataset", help=f"""Write a bank YAML file from a labelled dataset.

\b
FORMAT is one of: {FORMAT_HELP}.
FILE is the dataset file (JSON, JSON Lines or CSV; .gz is read too), or what the format reads.

The bank goes to question_banks/imported/NAME.yaml unless --out is given (hh-rlhf and
moderation hold offensive text: they go to instance/imported/NAME.yaml). Records that
cannot be used are skipped and counted by reason; a file that is not the format at all
writes nothing and exits with status 1. See question_banks/README.md, "Turning a dataset
into a bank".""")
@click.argument("format_name", metavar="FORMAT", type=click.Choice(sorted(FORMATS)))
@click.argument("file", type=click.Path(exists=True))
@click.option("--bank", "bank", required=True, callback=_slug_option,
              help="Slug of the bank to write (also the default item id prefix).")
@click.option("--title", default=None, help="Bank title (default: from the dataset).")
@click.option("--domain", default="general", show_default=True, callback=_slug_option,
              help="Domain slug of the bank.")
@click.option("--sample", "sample", type=click.IntRange(min=1), default=None,
              help="Keep N records chosen at random with --seed (default: all). topicalchat "
                   "samples dialogue contexts.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for sampling and for response/option order.")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the bank YAML.")
@click.option("--id-prefix", "id_prefix", default=None, callback=_slug_option,
              help="Prefix of item ids (default: the bank slug).")
@with_appcontext
def from_dataset_command(format_name: str, file: str, bank: str, title: str | None, domain: str,
                         sample: int | None, seed: int, out: str | None,
                         id_prefix: str | None) -> None:
    prefix = id_prefix or bank
    if len(prefix) > 64:
        raise click.BadParameter("at most 64 characters (item ids add a suffix)",
                                 param_hint="'--id-prefix'")
    outcome = bank_files.bank_from_dataset(format_name, file, bank=bank, title=title,
                                           domain=domain, sample=sample, seed=seed,
                                           id_prefix=prefix, out=out)
    for line in outcome.report:
        click.echo(line)
    if outcome.warning:
        click.echo(outcome.warning, err=True)
    for line in outcome.errors:
        click.echo(line, err=True)
    if outcome.failed:
        sys.exit(1)
    for line in outcome.done:
        click.echo(line)
