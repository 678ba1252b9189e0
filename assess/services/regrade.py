"""Regrading after a gold key is corrected: the bank is fixed and imported (a new item
version), then every finished attempt that showed an older version is graded again against
the newest key. A dry run lists the attempts whose score or tier would change; applying it
moves those responses to the new version, rescores the attempts with the change logged, and
reissues or revokes their certificates."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..core import scoring as rules
from ..extensions import db
from ..items import registry as item_types
from ..items.base import AnswerError, GradeResult
from ..models import Attempt, Bank, Item, ItemVersion, Response
from . import ServiceError, certificates, scoring
from .locks import lock_attempt

FINISHED = ("awaiting_grading", "scored")
NO_CHANGE = rules.ScoreChange(None, None, None, None)


@dataclass(frozen=True)
class ResponseRegrade:
    response_id: int
    position: int
    from_version: int
    old_points: float
    new_points: float
    max_points: float


@dataclass
class AttemptRegrade:
    attempt_id: int
    applicant: str
    status: str
    change: rules.ScoreChange
    responses: list[ResponseRegrade] = field(default_factory=list)


@dataclass
class Plan:
    item: str  # "bank/item"
    to_version: int
    checked: int = 0  # responses graded again
    attempts: list[AttemptRegrade] = field(default_factory=list)  # only those that change
    incompatible: list[str] = field(default_factory=list)  # answers the new key cannot read

    @property
    def changes(self) -> list[AttemptRegrade]:
        return [a for a in self.attempts if a.change.changed]


def outdated_items() -> list[tuple[str, int, int]]:
    """("bank/item", newest version, responses on older versions) for the admin's picker."""
    newest = (select(ItemVersion.item_id, func.max(ItemVersion.version).label("version"))
              .group_by(ItemVersion.item_id).subquery())
    rows = db.session.execute(
        select(Bank.slug, Item.slug, newest.c.version, func.count(Response.id))
        .join(Item, Item.bank_id == Bank.id).join(newest, newest.c.item_id == Item.id)
        .join(ItemVersion, ItemVersion.item_id == Item.id)
        .join(Response, Response.item_version_id == ItemVersion.id)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .where(Attempt.status.in_(FINISHED), ItemVersion.version != newest.c.version)
        .group_by(Bank.slug, Item.slug, newest.c.version))
    return sorted((f"{bank}/{slug}", version, n) for bank, slug, version, n in rows)


def _graded(content, answer) -> GradeResult:
    """The saved answer graded against ``content``; AnswerError if the new version cannot
    read it (an option or response it names is gone)."""
    kind = item_types.get(content["type"])
    return kind.grade(content, None if answer is None else kind.parse_answer(content, answer))


def _item(reference: str) -> Item:
    bank_slug, _, item_slug = (reference or "").partition("/")
    item = db.session.scalar(select(Item).join(Bank, Bank.id == Item.bank_id)
                             .where(Bank.slug == bank_slug, Item.slug == item_slug))
    if item is None:
        raise ServiceError(f"No item {reference!r}: give it as bank/item, e.g. "
                           "starter/starter-choice-01.", code="not_found", field="item")
    return item


def _regrades(item: Item, result: Plan, attempt_id: int | None = None
              ) -> dict[int, list[tuple[ResponseRegrade, GradeResult]]]:
    """Every finished response on an older version of ``item`` (of one attempt, if given)
    graded against the newest, by attempt: (what changes, the new grade). Answers the new
    key cannot read are noted in ``result.incompatible`` and left out."""
    latest = item.latest
    query = (select(Response, ItemVersion.version)
             .join(ItemVersion, ItemVersion.id == Response.item_version_id)
             .join(Attempt, Attempt.id == Response.attempt_id)
             .where(ItemVersion.item_id == item.id, ItemVersion.id != latest.id,
                    Attempt.status.in_(FINISHED))
             .order_by(Response.attempt_id)
             .execution_options(populate_existing=True))
    if attempt_id is not None:
        query = query.where(Response.attempt_id == attempt_id)
    by_attempt: dict[int, list[tuple[ResponseRegrade, GradeResult]]] = {}
    for response, version in db.session.execute(query).all():
        try:
            graded = _graded(latest.content, response.answer)
        except AnswerError as exc:
            result.incompatible.append(f"attempt {response.attempt_id}, item {response.position}:"
                                       f" {exc.field}: {exc.message}")
            continue
        result.checked += 1
        by_attempt.setdefault(response.attempt_id, []).append((ResponseRegrade(
            response.id, response.position, version, response.auto_points or 0.0,
            graded.points, graded.max_points), graded))
    return by_attempt


def plan(reference: str, now: datetime) -> Plan:
    item = _item(reference)
    result = Plan(reference, item.latest.version)
    for attempt_id, graded in _regrades(item, result).items():
        regrades = [regrade for regrade, _ in graded]
        attempt = db.session.get(Attempt, attempt_id)
        after = scoring.breakdown(attempt, now, {r.response_id: (r.new_points, r.max_points)
                                                 for r in regrades})
        tier = after.decision.tier
        change = rules.ScoreChange(attempt.score, None if after.scored.pending
                                   else after.scored.overall,
                                   attempt.tier_slug, tier.slug if tier else None)
        if attempt.status != "scored":  # not scored yet: the new key simply applies
            change = NO_CHANGE
        result.attempts.append(AttemptRegrade(attempt_id, attempt.user.email, attempt.status,
                                              change, regrades))
    return result


def apply(reference: str, actor_id: int | None, now: datetime) -> Plan:
    """Regrade every outdated response of the item; commits once. Returns what changed, as
    ``plan`` would have foretold it. Each attempt is locked and read afresh before it is
    regraded, so an appeal decided meanwhile is part of its new score, not overwritten."""
    item = _item(reference)
    latest = item.latest
    result = Plan(reference, latest.version)
    outdated = db.session.scalars(
        select(Response.attempt_id).distinct()
        .join(ItemVersion, ItemVersion.id == Response.item_version_id)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .where(ItemVersion.item_id == item.id, ItemVersion.id != latest.id,
               Attempt.status.in_(FINISHED))
        .order_by(Response.attempt_id)).all()
    for attempt_id in outdated:
        attempt = lock_attempt(attempt_id)
        graded = _regrades(item, result, attempt_id).get(attempt_id)
        if not graded:
            continue  # regraded by someone else meanwhile
        status = attempt.status
        for regrade, grade in graded:
            response = db.session.get(Response, regrade.response_id)
            response.item_version_id = latest.id
            response.auto_points, response.max_points = grade.points, grade.max_points
            response.grade_detail = grade.detail
        db.session.flush()
        attempt = lock_attempt(attempt_id)  # read again: responses point at the new version
        attempt.auto_points = round(sum(r.auto_points or 0.0 for r in attempt.responses), 6)
        attempt.auto_max_points = round(sum(r.max_points or 0.0 for r in attempt.responses), 6)
        change = scoring.score_attempt(attempt, now, reason="regrade", actor_id=actor_id,
                                       note=f"Regrade of {reference} against version "
                                            f"{latest.version}.")
        result.attempts.append(AttemptRegrade(
            attempt_id, attempt.user.email, status,
            change if status == "scored" and change is not None else NO_CHANGE,
            [regrade for regrade, _ in graded]))
    db.session.commit()
    for regraded in result.attempts:
        certificates.issue_soon(regraded.attempt_id, now)
    return result
