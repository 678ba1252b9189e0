"""Validate and import bank and blueprint files. Import is idempotent and versioned."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import func, insert, inspect, select
from sqlalchemy.orm import selectinload

from .. import items as item_types
from ..banks.errors import BankFilesInvalid
from ..banks.loader import AssessmentSpec, BankSpec, Loaded, content_hash, load
from ..banks.rubrics import rubric_markdown_fields, rubric_max_points
from ..banks.validity import NotComputable, guess_lines, validity_report
from ..core.selection import Candidate
from ..core.validity import DEFAULT_SAMPLES, TierOdds
from ..extensions import db
from ..models import (
    Assessment,
    AssessmentSection,
    AssessmentVersion,
    Bank,
    Item,
    ItemVersion,
    Rubric,
    RubricVersion,
    TierRule,
)
from ..rendering import markdown_to_html, render_many
from ..settings import settings
from . import ServiceError


@dataclass
class ImportReport:
    banks: dict[str, dict[str, int]] = field(default_factory=dict)
    assessments: dict[str, str] = field(default_factory=dict)  # slug -> created|updated|unchanged

    @property
    def changed(self) -> bool:
        return any(v != "unchanged" for v in self.assessments.values()) or any(
            counts["created"] or counts["updated"] or counts["retired"] or
            counts["rubrics_changed"] for counts in self.banks.values())


def imported_candidates() -> list[Candidate]:
    """Live items already in the database, for blueprints that draw from banks not in the files."""
    newest = (select(ItemVersion.item_id, func.max(ItemVersion.version).label("version"))
              .group_by(ItemVersion.item_id).subquery())
    rows = db.session.execute(
        select(Bank.slug, Item.slug, Item.type, ItemVersion.skills, ItemVersion.tags)
        .join(Item, Item.bank_id == Bank.id)
        .join(newest, newest.c.item_id == Item.id)
        .join(ItemVersion, (ItemVersion.item_id == Item.id)
              & (ItemVersion.version == newest.c.version))
        .where(Item.retired.is_(False))).all()
    return [Candidate(key=(bank, slug), bank=bank, slug=slug, type=kind, skills=tuple(skills),
                      tags=tuple(tags)) for bank, slug, kind, skills, tags in rows]


def validate_paths(paths: Iterable[str | Path], *, skip_unchanged: bool = False) -> Loaded:
    """Validate files; items already imported count for blueprints (none before migrating).
    With ``skip_unchanged``, a bank file whose content hash is the imported bank's comes back
    ``unchanged``, its items not validated again (what ``import_paths`` wants)."""
    if not inspect(db.engine).has_table(Item.__tablename__):
        return load(paths)
    imported = {slug: digest for slug, digest in db.session.execute(
        select(Bank.slug, Bank.content_hash))} if skip_unchanged else None
    return load(paths, known=imported_candidates(), imported=imported)


def guessing_report(loaded: Loaded, *, seed: int = 0) -> list[str]:
    """Lines for ``banks validate`` on how far random guessing gets in each loaded blueprint,
    computed from the loaded files alone (see ``assess.banks.validity``)."""
    return guess_lines(loaded.assessments, loaded.banks, seed=seed)


def strategy_report_lines(loaded: Loaded, *, seed: int = 0) -> tuple[list[str], list[str]]:
    """Lines for ``banks validate --strict``/``--strategies``: what test-taking strategies
    reach in each loaded blueprint, and the problems that fail ``--strict``
    (see ``assess.banks.strategies``)."""
    from ..banks.strategies import strategy_lines
    return strategy_lines(loaded.assessments, loaded.banks, seed=seed)


def import_paths(paths: Iterable[str | Path], *, now: datetime) -> ImportReport:
    """Import every file under ``paths`` or nothing: any error raises ``BankFilesInvalid``."""
    loaded = validate_paths(paths, skip_unchanged=True)
    if loaded.errors:
        raise BankFilesInvalid(loaded.errors)
    report = ImportReport()
    rendered: dict[str, str] = {}  # Markdown -> HTML, as banks repeat texts (taxonomies)
    for spec in loaded.banks:
        report.banks[spec.slug] = _import_bank(spec, now, rendered)
    db.session.flush()
    for spec in loaded.assessments:
        report.assessments[spec.slug] = _import_assessment(spec, now)
    if settings().validity_at_import:
        from . import validity_reports  # it reads the banks this module imports
        db.session.flush()
        validity_reports.refresh(now)
    db.session.commit()
    return report


def _render(fields: dict[str, str], rendered: dict[str, str]) -> dict[str, str]:
    """``render_fields``, each distinct text rendered once per import."""
    out = {}
    for path, text in fields.items():
        if text not in rendered:
            rendered[text] = markdown_to_html(text)
        out[path] = rendered[text]
    return out


def _render_ahead(entries: list[dict], rendered: dict[str, str]) -> None:
    """Render, all at once (``render_many``), the texts of the entries to be given a version."""
    texts: dict[str, None] = {}
    for entry in entries:
        item_type = item_types.get(entry["type"])
        for fields in (item_type.markdown_fields(entry), item_type.gold_markdown_fields(entry)):
            texts.update(dict.fromkeys(text for text in fields.values() if text not in rendered))
    rendered.update(render_many(texts))


def _version_fields(entry: dict, digest: str, now: datetime,
                    rendered: dict[str, str]) -> dict[str, Any]:
    """An ``ItemVersion``'s columns for a bank entry, but for its item and version number."""
    item_type = item_types.get(entry["type"])
    return dict(
        content_hash=digest, content=entry,
        rendered=_render(item_type.markdown_fields(entry), rendered),
        rendered_gold=_render(item_type.gold_markdown_fields(entry), rendered),
        skills=list(entry.get("skills") or item_type.default_skills),
        tags=list(entry.get("tags") or []), difficulty=entry.get("difficulty"),
        max_points=item_type.max_points(entry), created_at=now)


def _insert_items(bank: Bank, entries: list[tuple[dict, str]], now: datetime,
                  rendered: dict[str, str]) -> None:
    """New items of ``bank`` and their first versions, in two bulk inserts: the unit of work
    would spend seconds on a bank of thousands. ``entries``: (bank entry, content hash)."""
    db.session.flush()  # the bank's id
    ids = db.session.scalars(
        insert(Item).returning(Item.id, sort_by_parameter_order=True),
        [{"bank_id": bank.id, "slug": entry["id"], "type": entry["type"], "retired": False}
         for entry, _ in entries]).all()
    db.session.execute(insert(ItemVersion), [
        {"item_id": item_id, "version": 1, **_version_fields(entry, digest, now, rendered)}
        for item_id, (entry, digest) in zip(ids, entries)])
    db.session.expire(bank, ["items"])  # loaded before the new items were there


def _import_bank(spec: BankSpec, now: datetime, rendered: dict[str, str]) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0, "retired": 0, "rubrics_changed": 0}
    if spec.unchanged:  # the database holds exactly this bank (``load(imported=...)``)
        return {**counts, "unchanged": len(spec.items)}
    bank = db.session.scalar(select(Bank).where(Bank.slug == spec.slug).options(
        selectinload(Bank.items).selectinload(Item.versions),
        selectinload(Bank.rubrics).selectinload(Rubric.versions)))
    if bank is None:
        bank = Bank(slug=spec.slug, imported_at=now, content_hash="")
        db.session.add(bank)
    if bank.content_hash != spec.content_hash:
        bank.title, bank.domain, bank.description = spec.title, spec.domain, spec.description
        bank.source_path, bank.content_hash, bank.imported_at = spec.file, spec.content_hash, now

    rubrics = {r.slug: r for r in bank.rubrics}
    for entry in spec.rubrics:
        rubric = rubrics.get(entry["id"])
        if rubric is None:
            rubric = Rubric(slug=entry["id"], bank=bank)
            db.session.add(rubric)
        digest = content_hash(entry)
        if not rubric.versions or rubric.latest.content_hash != digest:
            rubric.versions.append(RubricVersion(
                version=len(rubric.versions) + 1, content_hash=digest, definition=entry,
                rendered=_render(rubric_markdown_fields(entry), rendered),
                max_points=rubric_max_points(entry), created_at=now))
            counts["rubrics_changed"] += 1

    existing = {item.slug: item for item in bank.items}
    created: list[tuple[dict, str]] = []
    updated: list[tuple[Item, dict, str]] = []
    for entry in spec.items:
        item = existing.pop(entry["id"], None)
        digest = content_hash(entry)
        if item is None:
            created.append((entry, digest))
        elif item.versions and item.latest.content_hash == digest and item.type == entry["type"]:
            if item.retired:
                item.retired = False
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        else:
            updated.append((item, entry, digest))
    counts["created"], counts["updated"] = len(created), counts["updated"] + len(updated)
    _render_ahead([entry for entry, _ in created] + [entry for _, entry, _ in updated], rendered)
    for item, entry, digest in updated:
        item.type, item.retired = entry["type"], False
        item.versions.append(ItemVersion(version=len(item.versions) + 1,
                                         **_version_fields(entry, digest, now, rendered)))
    for item in existing.values():
        if not item.retired:
            item.retired = True
            counts["retired"] += 1
    if created:
        _insert_items(bank, created, now, rendered)
    return counts


def _import_assessment(spec: AssessmentSpec, now: datetime) -> str:
    assessment = db.session.scalar(select(Assessment).where(Assessment.slug == spec.slug).options(
        selectinload(Assessment.versions)))
    if assessment is None:
        assessment = Assessment(slug=spec.slug, source_path=spec.file)
        db.session.add(assessment)
        status = "created"
    elif assessment.latest.content_hash == spec.content_hash:
        status = "unchanged" if not assessment.retired else "updated"
    else:
        status = "updated"
    assessment.retired, assessment.source_path = False, spec.file
    if assessment.versions and assessment.latest.content_hash == spec.content_hash:
        return status
    d = spec.definition
    version = AssessmentVersion(
        version=len(assessment.versions) + 1, content_hash=spec.content_hash, title=d["title"],
        domain=d["domain"], mode=d["mode"], time_limit_minutes=d["time_limit_minutes"],
        grace_seconds=d["grace_seconds"], attempts_allowed=d["attempts_allowed"],
        cooldown_hours=d["cooldown_hours"], shuffle_items=d["shuffle_items"],
        description_html=markdown_to_html(d["description"]),
        instructions_html=markdown_to_html(d["instructions"]), definition=d, created_at=now)
    version.sections = [AssessmentSection(slug=s["id"], position=i, title=s["title"],
                                          draw=s["draw"], selector=s["from"])
                        for i, s in enumerate(d["sections"])]
    version.tiers = [TierRule(slug=t["id"], name=t["name"], rank=i + 1,
                              min_overall=t["min_overall"], min_skills=t["min_skills"],
                              min_parts=t.get("min_parts") or {},
                              requires=t["requires"], valid_days=t["valid_days"])
                     for i, t in enumerate(d["tiers"])]
    assessment.versions.append(version)
    return status


@dataclass(frozen=True)
class _ImportedBank:
    slug: str
    items: list[dict]
    rubrics: list[dict]


@dataclass(frozen=True)
class GuessReport:
    slug: str
    title: str
    odds: list[TierOdds]
    problem: str | None


def imported_banks() -> list[_ImportedBank]:
    """The newest content of every imported bank, as the validity reports read banks."""
    return [_ImportedBank(bank.slug,
                          [item.latest.content for item in bank.items if not item.retired],
                          [rubric.latest.definition for rubric in bank.rubrics])
            for bank in db.session.scalars(select(Bank).options(
                selectinload(Bank.items).selectinload(Item.versions),
                selectinload(Bank.rubrics).selectinload(Rubric.versions)))]


@dataclass
class StrategyPage:
    slug: str
    title: str
    report: Any = None  # core.strategies.Report
    best: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_computed: str | None = None


_strategy_cache: dict[tuple, StrategyPage] = {}


def strategy_page(slug: str, *, draws: int = 2000) -> StrategyPage:
    """For the admin page: the strategy report of one assessment on the imported banks
    (``banks validate --strict`` runs the same on files). Kept per assessment version and
    bank contents, since it takes seconds."""
    from ..banks.strategies import strategy_report, summary
    assessment = db.session.scalar(select(Assessment).where(Assessment.slug == slug))
    if assessment is None or not assessment.versions:
        raise ServiceError("No such assessment.", code="not_found")
    version = assessment.latest
    banks = imported_banks()
    key = (version.id, draws, content_hash([(b.slug, b.items, b.rubrics) for b in banks]))
    if key not in _strategy_cache:
        page = StrategyPage(slug, version.title)
        try:
            page.report, page.best = strategy_report(version.definition, banks, draws=draws)
            page.summary = summary(page.report, page.best)
            page.problems = page.report.problems()
        except NotComputable as exc:
            page.not_computed = str(exc)
        _strategy_cache.clear()  # one at a time is enough for an admin page
        _strategy_cache[key] = page
    return _strategy_cache[key]


def guessing_reports(*, seed: int = 0, samples: int = DEFAULT_SAMPLES) -> list[GuessReport]:
    """For the admin page: each assessment's random-guess odds on the imported banks."""
    banks = imported_banks()
    reports = []
    for assessment in db.session.scalars(
            select(Assessment).where(Assessment.retired.is_(False)).order_by(Assessment.slug)
            .options(selectinload(Assessment.versions))):
        if assessment.versions:
            reports.append(guess_report(assessment.slug, assessment.latest, banks, seed=seed,
                                        samples=samples))
    return reports


def guess_report(slug: str, version: AssessmentVersion, banks: list[_ImportedBank], *,
                 seed: int, samples: int) -> GuessReport:
    try:
        odds = validity_report(version.definition, banks, seed=seed, samples=samples)
    except NotComputable as exc:
        return GuessReport(slug, version.title, [], str(exc))
    return GuessReport(slug, version.title, odds, None)


def lint_report(loaded: Loaded) -> list:
    """Lint findings (``assess.banks.lint``) for the loaded banks: warnings for
    ``banks validate``, each printable as ``<file>:<line>: <bank>/<item>: <message>``."""
    from ..banks.lint import lint
    return lint(loaded)


def shortcut_report(loaded: Loaded) -> list[str]:
    """For ``banks validate``: per loaded blueprint, each item type's best shortcut (an answer
    given without reading) against random answering, as shares of the type's keyed credit in
    the draw-weighted pool (``assess.banks.lint.shortcut_lines``). Empty without blueprints."""
    from ..banks.lint import shortcut_lines
    return shortcut_lines(loaded)
