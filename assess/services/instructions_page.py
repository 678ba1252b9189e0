"""Read side of an assessment's instructions page, before any attempt: the applicant's
standing, the item types the blueprint can draw with a sample of each, past attempts.

Nothing here writes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from .. import items as item_types
from ..core.eligibility import Standing
from ..core.selection import types_in
from ..extensions import db
from ..models import Assessment, Attempt
from ..models.attempt import OPEN
from ..rendering import render_fields
from . import ServiceError, catalogue
from .attempts import refusal_message, standing_for
from .banks import imported_candidates


@dataclass(frozen=True)
class Sample:
    type: str
    label: str
    view: dict[str, Any]
    rendered: dict[str, str]


@dataclass
class Instructions:
    assessment: Assessment
    standing: Standing
    refusal: str
    open_attempt_id: int | None
    item_types: list[str]
    samples: list[Sample]
    past: list[Attempt]
    lock: Any = None  # catalogue.Lock: every tier needs a certificate the applicant lacks


def instructions(slug: str, user_id: int, now: datetime) -> Instructions:
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.slug == slug, Assessment.retired.is_(False)))
    if assessment is None:
        raise ServiceError("No such assessment.", code="not_found")
    state = standing_for(user_id, assessment, now)
    past = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.assessment_id == assessment.id)
        .order_by(Attempt.number)).all()
    open_attempt = next((a.id for a in past if a.status == OPEN), None)
    candidates = imported_candidates()
    types = types_in((s.selector for s in assessment.latest.sections), candidates)
    return Instructions(assessment=assessment, standing=state,
                        refusal=refusal_message(state, assessment.latest.title),
                        open_attempt_id=open_attempt, item_types=types,
                        samples=[sample(t) for t in types], past=list(past),
                        lock=catalogue.lock_of(user_id, assessment.latest, now))


@lru_cache(maxsize=None)
def sample(type_name: str) -> Sample:
    """An item type's sample, rendered once per process (it is code, not data)."""
    item_type = item_types.get(type_name)
    content = item_type.sample
    presentation = item_type.presentation(content, random.Random(0))
    return Sample(type=type_name, label=item_type.label,
                  view=item_type.public_view(content, presentation),
                  rendered=render_fields(item_type.markdown_fields(content)))
