"""`flask --app assess banks from-dataset`: turn a labelled dataset into a bank YAML file.

The format modules (``assess.importers``) are pure; this command picks the output path, checks
the generated bank with the real loader, writes it and prints what was read and skipped.
"""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .banks import loader
from .importers.base import ImportResult, NotThisFormat
from .importers.registry import FORMATS, OFFENSIVE
from .importers.writer import bank_yaml


def _slug_option(ctx, param, value):
    if value is not None and not loader.SLUG.match(value):
        raise click.BadParameter(f"expected a slug (lowercase letters, digits, '.', '_', '-'; "
                                 f"at most 80 characters), got {value!r}")
    return value


def report_lines(result: ImportResult, format_name: str, path: str) -> list[str]:
    lines = [f"Read {result.total} record(s) from {path} ({format_name})."]
    skipped = sum(result.skipped.values())
    if skipped:
        lines.append(f"Skipped {skipped} record(s):")
        lines += [f"  {reason}: {count}" for reason, count in
                  sorted(result.skipped.items(), key=lambda rc: (-rc[1], rc[0]))]
    else:
        lines.append("Skipped 0 record(s).")
    return lines


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
    try:
        result = FORMATS[format_name](file, sample=sample, seed=seed, id_prefix=prefix)
    except NotThisFormat as exc:
        click.echo(f"error: {exc}", err=True)
        click.echo("Nothing written.", err=True)
        sys.exit(1)
    for line in report_lines(result, format_name, file):
        click.echo(line)
    if not result.items:
        click.echo(f"error: {file}: no usable record, so no bank to write.", err=True)
        click.echo("Nothing written.", err=True)
        sys.exit(1)

    offensive = format_name in OFFENSIVE
    if out:
        target = Path(out)
    elif offensive:
        target = Path(current_app.instance_path) / "imported" / f"{bank}.yaml"
    else:
        # The first bank folder: a platform lists its private folder first.
        target = Path(current_app.config["QUESTION_BANKS_DIRS"][0]) / "imported" / f"{bank}.yaml"
    if offensive:
        click.echo(f"warning: {format_name} data holds offensive text; "
                   + ("keep this bank out of demo and general exams." if out else
                      f"written under the instance folder ({target.parent}), not "
                      "question_banks/. Pass --out to choose another place."), err=True)

    command = f"banks from-dataset {format_name} {Path(file).name} --seed {seed}" + (
        f" --sample {sample}" if sample else "")
    text = bank_yaml(result, bank=bank, title=title, domain=domain,
                     provenance=f"Generated with `flask --app assess {command}`.")
    with tempfile.TemporaryDirectory() as tmp:  # check with the real loader before writing
        check = Path(tmp) / f"{bank}.yaml"
        check.write_text(text, encoding="utf-8")
        loaded = loader.load([check])
    if loaded.errors:
        for error in loaded.errors[:20]:
            click.echo(f"error: {error}", err=True)
        click.echo(f"error: the generated bank does not validate ({len(loaded.errors)} "
                   "error(s)); this is a bug in the importer. Nothing written.", err=True)
        sys.exit(1)
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        click.echo(f"error: cannot write {target}: {exc}", err=True)
        click.echo("Nothing written.", err=True)
        sys.exit(1)

    sampled = (f" (sampled {min(sample, result.available)} of {result.available} usable "
               f"{result.unit}(s) with seed {seed})"
               if sample is not None and result.available is not None else "")
    click.echo(f"Wrote {len(result.items)} item(s) to {target}{sampled}.")
    click.echo(f"Next: flask --app assess banks validate {target}")


def register(group: AppGroup) -> None:
    group.add_command(from_dataset_command)
