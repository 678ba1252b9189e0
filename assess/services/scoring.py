"""Scoring an attempt: its auto-graded points and final written grades go through the pure
rules in ``core/scoring``; the result, the tier and any change are recorded, and the
certificate follows. Called from the services that finish an attempt, a grading task, an
appeal or a regrade: nothing here commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from ..core import scoring
from ..extensions import db
from ..items import registry as item_types
from ..models import (
    Assessment,
    AssessmentVersion,
    Attempt,
    Certificate,
    GradingTask,
    Response,
    Rubric,
    RubricVersion,
    ScoreEvent,
    TierRule,
)
from . import certificates, notifications, outbox
from .locks import BatchRun, each_locked

FINAL = "final"


@dataclass(frozen=True)
class Breakdown:
    scored: scoring.Scored
    decision: scoring.TierDecision


def item_scores(attempt: Attempt, auto: dict[int, tuple[float, float]] | None = None
                ) -> list[scoring.ItemScore]:
    """The attempt's items as scoring input; ``auto`` overrides the auto-graded (points, max)
    of some responses by id, to see what a regrade would do without changing anything."""
    auto = auto or {}
    tasks = {(task.response_id, task.part): task for task in db.session.scalars(
        select(GradingTask).join(Response, Response.id == GradingTask.response_id)
        .where(Response.attempt_id == attempt.id)
        .execution_options(populate_existing=True))}  # what others committed counts
    items = []
    for response in attempt.responses:
        content = response.item_version.content
        points, maximum = auto.get(response.id, (response.auto_points or 0.0,
                                                 response.max_points or 0.0))
        parts = [scoring.PartScore("auto", points, maximum)]
        for slot in item_types.get(content["type"]).scored_parts(content):
            task = tasks.get((response.id, slot.part))
            if task is None:  # left empty: no task, zero points of the rubric's maximum
                parts.append(scoring.PartScore(slot.kind, 0.0, _rubric_max(response, slot.rubric)))
            else:
                final = task.status == FINAL
                parts.append(scoring.PartScore(slot.kind, task.final_points if final else None,
                                               task.max_points, final))
        items.append(scoring.ItemScore(response.position, response.section_slug,
                                       tuple(response.item_version.skills or ()), tuple(parts)))
    return items


def _rubric_max(response: Response, slug: str) -> float:
    bank_id = response.item_version.item.bank_id
    return db.session.scalar(
        select(RubricVersion.max_points).join(Rubric, Rubric.id == RubricVersion.rubric_id)
        .where(Rubric.bank_id == bank_id, Rubric.slug == slug)
        .order_by(RubricVersion.version.desc()).limit(1)) or 0.0


def rules_of(attempt: Attempt) -> list[scoring.TierRule]:
    return [rule_of(tier) for tier in attempt.assessment_version.tiers]


def rule_of(tier) -> scoring.TierRule:
    return scoring.TierRule(tier.slug, tier.name, tier.rank, tier.min_overall,
                            dict(tier.min_skills or {}), tuple(tier.requires or ()),
                            tier.valid_days, dict(tier.min_parts or {}))


def weights_of(version) -> scoring.Weights | None:
    found = version.weights
    return scoring.Weights(found["parts"], found.get("sections") or {}) if found else None


def ladders() -> dict[str, dict[str, int]]:
    """Tier slug → rank in the latest version of every assessment, in one query (it runs
    for every breakdown)."""
    latest = (select(AssessmentVersion.assessment_id,
                     func.max(AssessmentVersion.version).label("version"))
              .group_by(AssessmentVersion.assessment_id).subquery())
    rows = db.session.execute(
        select(Assessment.slug, TierRule.slug, TierRule.rank)
        .join(latest, latest.c.assessment_id == Assessment.id)
        .join(AssessmentVersion, and_(AssessmentVersion.assessment_id == Assessment.id,
                                      AssessmentVersion.version == latest.c.version))
        .outerjoin(TierRule, TierRule.assessment_version_id == AssessmentVersion.id))
    result: dict[str, dict[str, int]] = {}
    for assessment, tier, rank in rows:
        ladder = result.setdefault(assessment, {})
        if tier is not None:
            ladder[tier] = rank
    return result


def held_by(user_id: int, *, besides_attempt: int | None = None) -> list[scoring.Held]:
    rows = db.session.execute(
        select(Certificate, Assessment.slug).join(Assessment,
                                                  Assessment.id == Certificate.assessment_id)
        .where(Certificate.user_id == user_id, Certificate.attempt_id != (besides_attempt or 0)))
    return [scoring.Held(slug, cert.tier_slug, cert.valid_until, cert.revoked_at is not None)
            for cert, slug in rows]


def breakdown(attempt: Attempt, now: datetime,
              auto: dict[int, tuple[float, float]] | None = None) -> Breakdown:
    return _decided(attempt, scored_of(attempt, auto), now)


def scored_of(attempt: Attempt, auto: dict[int, tuple[float, float]] | None = None
              ) -> scoring.Scored:
    return scoring.score(item_scores(attempt, auto), weights_of(attempt.assessment_version))


def _decided(attempt: Attempt, scored: scoring.Scored, now: datetime) -> Breakdown:
    decision = scoring.decide_tier(scored, rules_of(attempt),
                                   held_by(attempt.user_id, besides_attempt=attempt.id),
                                   ladders(), now)
    return Breakdown(scored, decision)


def score_attempt(attempt: Attempt, now: datetime, *, reason: str = "scored",
                  actor_id: int | None = None, note: str = "",
                  always_log: bool = False) -> scoring.ScoreChange | None:
    """Score (or rescore) a finished timed attempt once every written part is final; the
    caller holds the attempt's lock (``locks.lock_attempt``). Returns the change, or None
    while grading is pending. Logs a ScoreEvent when anything changed,
    or always when ``always_log`` (an appeal decision is recorded even if it changes nothing)."""
    if attempt.assessment_version.mode != "timed" or attempt.status in ("in_progress", "void"):
        return None
    scored = scored_of(attempt)
    if scored.pending:  # the usual case after a grade: no tier work until the last one
        attempt.status = "awaiting_grading"
        return None
    result = _decided(attempt, scored, now)
    first = attempt.status != "scored"
    tier = result.decision.tier
    change = scoring.ScoreChange(attempt.score, result.scored.overall, attempt.tier_slug,
                                 tier.slug if tier else None)
    attempt.status = "scored"
    attempt.score = result.scored.overall
    attempt.sub_scores = {skill: share.share for skill, share in result.scored.by_skill.items()
                          if share.share is not None}
    attempt.tier_slug = change.new_tier
    if first:
        attempt.scored_at = now
    if first or change.changed or always_log:
        db.session.add(ScoreEvent(
            attempt_id=attempt.id, actor_id=actor_id, reason="scored" if first else reason,
            note=(note + (" " if note else "") + change.describe()).strip(),
            old_score=change.old_score, new_score=change.new_score,
            old_tier=change.old_tier, new_tier=change.new_tier, created_at=now))
    if first or change.changed:
        outbox.record("attempt.scored", attempt,
                      {**outbox.attempt_data(attempt), "rescored": not first}, now)
    if first:
        notifications.results_ready(attempt, now)
    elif change.changed and reason != "appeal":  # the appeal's own mail gives the result
        notifications.result_changed(attempt, change, now)
    certificates.follow_score(attempt, tier, now, changed=first or change.changed)
    return change


def score_if_complete(attempt: Attempt, now: datetime) -> scoring.ScoreChange | None:
    """After a grading task became final: score its (locked) attempt when it was the last
    one. Idempotent: a scored attempt is left alone."""
    if attempt.status != "awaiting_grading":
        return None
    return score_attempt(attempt, now)


def recorded(attempt: Attempt) -> tuple[scoring.TierRule, scoring.Scored] | None:
    """The tier the attempt was scored at, with its scores: what its certificate states."""
    for tier in attempt.assessment_version.tiers:
        if tier.slug == attempt.tier_slug:
            return rule_of(tier), scored_of(attempt)
    return None


def repair(now: datetime) -> BatchRun:
    """Score every finished attempt whose written parts are all final but which was never
    scored (a crash between the last grade and the score, or an older server's race), each
    under its lock and in its own transaction."""
    not_final = (select(GradingTask.id).join(Response, Response.id == GradingTask.response_id)
                 .where(Response.attempt_id == Attempt.id, GradingTask.status != FINAL))
    stuck = db.session.scalars(select(Attempt.id).where(
        Attempt.status.in_(("submitted", "awaiting_grading")), ~not_final.exists())
        .order_by(Attempt.id)).all()
    db.session.rollback()
    return each_locked(stuck, lambda attempt: attempt.status in ("submitted", "awaiting_grading")
                       and score_attempt(attempt, now) is not None, "score")
