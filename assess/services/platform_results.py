"""What a platform reads over the API: the assessments, and the attempts of its own
candidates (paged, or exported whole as rows streamed from a server-side cursor).

Every query joins the platform's candidate links: a person the platform did not invite, or
invited but who never accepted, does not exist for it.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Assessment, AssessmentVersion, Attempt, PlatformCandidate, TierRule
from ..models.attempt import ATTEMPT_STATUSES
from . import ServiceError, paging
from .api_keys import Caller
from .invitations import iso

EXPORT_BATCH = 500
ATTEMPT_COLUMNS = (Attempt.id, Attempt.assessment_id, Attempt.assessment_version_id,
                   Attempt.number, Attempt.status, Attempt.score, Attempt.sub_scores,
                   Attempt.tier_slug, Attempt.started_at, Attempt.submitted_at,
                   Attempt.scored_at)
EXPORT_FIELDS = ("attempt_id", "external_id", "assessment", "assessment_version", "number",
                 "status", "score", "tier", "tier_name", "tier_rank", "started_at",
                 "submitted_at", "scored_at", "skills")


def assessments() -> list[dict[str, Any]]:
    """Every assessment on offer, as its latest version states it; tiers by rank (1 is the
    lowest, the order of the blueprint)."""
    found = db.session.scalars(
        select(Assessment).where(Assessment.retired.is_(False)).order_by(Assessment.slug)
        .options(selectinload(Assessment.versions).selectinload(AssessmentVersion.tiers))).all()
    return [_assessment_json(a) for a in found if a.versions]


def _assessment_json(assessment: Assessment) -> dict[str, Any]:
    latest = assessment.latest
    return {"slug": assessment.slug, "title": latest.title, "domain": latest.domain,
            "mode": latest.mode, "version": latest.version,
            "time_limit_minutes": latest.time_limit_minutes,
            "attempts_allowed": latest.attempts_allowed or None,
            "tiers": [{"slug": t.slug, "name": t.name, "rank": t.rank} for t in latest.tiers]}


def tier_table(assessment_ids: set[int] | None = None) -> dict[tuple[int, str], tuple[str, int]]:
    """(assessment id, tier slug) → (name, rank), the latest version's wording winning."""
    query = (select(AssessmentVersion.assessment_id, TierRule.slug, TierRule.name, TierRule.rank)
             .join(AssessmentVersion, AssessmentVersion.id == TierRule.assessment_version_id)
             .order_by(AssessmentVersion.version))
    if assessment_ids is not None:
        query = query.where(AssessmentVersion.assessment_id.in_(assessment_ids))
    return {(aid, slug): (name, rank) for aid, slug, name, rank in db.session.execute(query)}


def tier_json(table: dict[tuple[int, str], tuple[str, int]], assessment_id: int,
              slug: str | None) -> dict[str, Any] | None:
    if slug is None:
        return None
    name, rank = table.get((assessment_id, slug), (slug, None))
    return {"slug": slug, "name": name, "rank": rank}


def _attempts_query(caller: Caller, *, assessment: str | None, status: str | None,
                    since: datetime | None, external_id: str | None = None) -> Select:
    query = (select(*ATTEMPT_COLUMNS, PlatformCandidate.external_id, Assessment.slug,
                    AssessmentVersion.version)
             .join(PlatformCandidate, PlatformCandidate.user_id == Attempt.user_id)
             .join(Assessment, Assessment.id == Attempt.assessment_id)
             .join(AssessmentVersion, AssessmentVersion.id == Attempt.assessment_version_id)
             .where(PlatformCandidate.platform_id == caller.platform_id))
    if assessment is not None:
        query = query.where(Assessment.slug == assessment)
    if status is not None:
        if status not in ATTEMPT_STATUSES:
            raise ServiceError(f"status is one of {', '.join(ATTEMPT_STATUSES)}.",
                               field="status")
        query = query.where(Attempt.status == status)
    if since is not None:
        since = since if since.tzinfo else since.replace(tzinfo=timezone.utc)
        query = query.where(or_(Attempt.started_at >= since, Attempt.submitted_at >= since,
                                Attempt.scored_at >= since))
    if external_id is not None:
        query = query.where(PlatformCandidate.external_id == external_id)
    return query.order_by(Attempt.id)


def _attempt_json(row: Any, tiers: dict[tuple[int, str], tuple[str, int]]) -> dict[str, Any]:
    return {"id": row.id, "external_id": row.external_id, "assessment": row.slug,
            "assessment_version": row.version, "number": row.number, "status": row.status,
            "score": row.score, "skills": dict(sorted((row.sub_scores or {}).items())),
            "tier": tier_json(tiers, row.assessment_id, row.tier_slug),
            "started_at": iso(row.started_at), "submitted_at": iso(row.submitted_at),
            "scored_at": iso(row.scored_at)}


def attempts(caller: Caller, *, assessment: str | None = None, status: str | None = None,
             since: datetime | None = None, cursor: str | None = None,
             limit: int | None = None) -> paging.Page:
    """One page of the platform's candidates' attempts, oldest first."""
    limit = paging.checked_limit(limit)
    query = _attempts_query(caller, assessment=assessment, status=status, since=since)
    rows = db.session.execute(
        query.where(Attempt.id > paging.decode(cursor)).limit(limit + 1)).all()
    tiers = tier_table({row.assessment_id for row in rows})
    return paging.page_of([(row.id, _attempt_json(row, tiers)) for row in rows], limit)


def attempts_of(caller: Caller, external_id: str) -> list[dict[str, Any]]:
    rows = db.session.execute(_attempts_query(caller, assessment=None, status=None, since=None,
                                              external_id=external_id)).all()
    tiers = tier_table({row.assessment_id for row in rows})
    return [_attempt_json(row, tiers) for row in rows]


def export_rows(caller: Caller, *, assessment: str | None = None, status: str | None = None,
                since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """Every matching attempt, flat, read in batches from a server-side cursor: the export's
    memory does not grow with the number of attempts. Filters are checked before the first
    row is asked for, so a bad one is refused before a response starts."""
    query = _attempts_query(caller, assessment=assessment, status=status, since=since)
    tiers = tier_table()
    return _rows(query, tiers)


def _rows(query: Select, tiers: dict[tuple[int, str], tuple[str, int]]
          ) -> Iterator[dict[str, Any]]:
    result = db.session.execute(query.execution_options(yield_per=EXPORT_BATCH))
    for row in result:
        item = _attempt_json(row, tiers)
        tier = item.pop("tier") or {}
        yield {"attempt_id": item.pop("id"), **item, "tier": tier.get("slug"),
               "tier_name": tier.get("name"), "tier_rank": tier.get("rank")}
