"""Bank files from and to other formats: a labelled dataset written as a bank YAML file
(``banks from-dataset``) and a bank's items written as QTI 3.0 files (``banks to-qti``).

The format modules (``assess.importers``) are pure; these use cases pick the output path,
check a generated bank with the real loader, write the files, and return the lines the
command prints. They never touch the database.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..banks import loader
from ..importers import qti
from ..importers.base import ImportResult, NotThisFormat
from ..importers.registry import FORMATS, OFFENSIVE
from ..importers.writer import bank_yaml
from ..settings import settings


@dataclass
class Outcome:
    """The lines a command prints, in this order: ``report`` (stdout), ``warning`` and
    ``errors`` (stderr), then ``refusal`` (the command's error message) or ``done`` (stdout).
    Any error or a refusal means nothing was written."""
    report: list[str] = field(default_factory=list)
    warning: str | None = None
    errors: list[str] = field(default_factory=list)
    refusal: str | None = None
    done: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.refusal)


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


def bank_from_dataset(format_name: str, file: str, *, bank: str, title: str | None,
                      domain: str, sample: int | None, seed: int, id_prefix: str,
                      out: str | None) -> Outcome:
    """Read ``file`` as ``format_name`` and write bank ``bank`` to ``out`` or, by default,
    ``imported/BANK.yaml`` under the first bank folder (the instance folder for offensive
    data), once the real loader accepts it; written through a ``.partial`` file."""
    try:
        result = FORMATS[format_name](file, sample=sample, seed=seed, id_prefix=id_prefix)
    except NotThisFormat as exc:
        return Outcome(errors=[f"error: {exc}", "Nothing written."])
    outcome = Outcome(report=report_lines(result, format_name, file))
    if not result.items:
        outcome.errors = [f"error: {file}: no usable record, so no bank to write.",
                          "Nothing written."]
        return outcome

    offensive = format_name in OFFENSIVE
    if out:
        target = Path(out)
    elif offensive:
        target = settings().instance_path / "imported" / f"{bank}.yaml"
    else:
        # The first bank folder: a platform lists its private folder first.
        target = settings().question_bank_dirs[0] / "imported" / f"{bank}.yaml"
    if offensive:
        outcome.warning = (f"warning: {format_name} data holds offensive text; "
                           + ("keep this bank out of demo and general exams." if out else
                              f"written under the instance folder ({target.parent}), not "
                              "question_banks/. Pass --out to choose another place."))

    command = f"banks from-dataset {format_name} {Path(file).name} --seed {seed}" + (
        f" --sample {sample}" if sample else "")
    text = bank_yaml(result, bank=bank, title=title, domain=domain,
                     provenance=f"Generated with `flask --app assess {command}`.")
    with tempfile.TemporaryDirectory() as tmp:  # check with the real loader before writing
        check = Path(tmp) / f"{bank}.yaml"
        check.write_text(text, encoding="utf-8")
        loaded = loader.load([check])
    if loaded.errors:
        outcome.errors = [f"error: {error}" for error in loaded.errors[:20]] + [
            f"error: the generated bank does not validate ({len(loaded.errors)} error(s)); "
            "this is a bug in the importer. Nothing written."]
        return outcome
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        outcome.errors = [f"error: cannot write {target}: {exc}", "Nothing written."]
        return outcome

    sampled = (f" (sampled {min(sample, result.available)} of {result.available} usable "
               f"{result.unit}(s) with seed {seed})"
               if sample is not None and result.available is not None else "")
    outcome.done = [f"Wrote {len(result.items)} item(s) to {target}{sampled}.",
                    f"Next: flask --app assess banks validate {target}"]
    return outcome


def bank_to_qti(bank_file: str, out_dir: str, item_ids: tuple[str, ...]) -> Outcome:
    """Write one QTI 3.0 item file per choice, ranking and rewrite item of ``bank_file`` (only
    ``item_ids`` when given) into ``out_dir``, created when missing."""
    loaded = loader.load([bank_file])
    if loaded.errors or not loaded.banks:
        return Outcome(errors=[f"error: {error}" for error in loaded.errors],
                       refusal=f"{bank_file} is not a valid bank file; nothing written.")
    bank = loaded.banks[0]
    known = {item["id"] for item in bank.items}
    unknown = [i for i in item_ids if i not in known]
    if unknown:
        return Outcome(refusal=f"bank {bank.slug!r} has no item {', '.join(unknown)}; "
                               "nothing written.")
    export = qti.write({"bank": bank.slug, "items": bank.items},
                       list(item_ids) if item_ids else None)
    outcome = Outcome(report=[f"skipped {item_id}: {reason}"
                              for item_id, reason in export.skipped.items()]
                      + [f"note {item_id}: {note}"
                         for item_id, notes in export.notes.items() for note in notes])
    if not export:
        outcome.refusal = ("no exportable item (only choice, ranking and rewrite items are "
                           "written as QTI).")
        return outcome
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, xml in export.items():
            (out / name).write_text(xml, encoding="utf-8")
    except OSError as exc:
        outcome.refusal = f"cannot write to {out}: {exc}"
        return outcome
    outcome.done = [f"Wrote {len(export)} QTI 3.0 item file(s) to {out}; skipped "
                    f"{len(export.skipped)} item(s)."]
    return outcome
