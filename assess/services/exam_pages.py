"""Read side of an attempt: what the instructions, item, review and results pages show.

Nothing here writes. Gold keys and explanations leave this module only for a practice
attempt's checked item or for an attempt that is no longer open.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Mapping

from sqlalchemy import select

from .. import items as item_types
from ..core import timing
from ..core.eligibility import Standing
from ..core.results import ItemOutcome, Summary, summarise
from ..core.scoring import Share
from ..core.selection import types_in
from ..extensions import db
from ..items.base import AnswerError
from ..models import Assessment, Attempt
from ..models.attempt import OPEN, Response
from ..rendering import render_fields
from . import ServiceError
from . import appeals, catalogue, certificates, scoring
from .attempts import refusal_message, response_at, standing_for
from .banks import imported_candidates


@dataclass(frozen=True)
class NavEntry:
    position: int
    section: str
    state: str  # "answered" | "partial" | "unanswered"
    flagged: bool
    revision: int = 0  # the saved revision: the page drops saves queued in the browser up to it

    @property
    def answered(self) -> bool:
        return self.state == "answered"


@dataclass
class ItemView:
    """One item as an applicant sees it; ``gold`` is filled only when allowed."""

    position: int
    type: str
    type_label: str
    section: str
    view: dict[str, Any]
    rendered: dict[str, str]
    answer: dict[str, Any]
    revision: int
    flagged: bool
    points: float | None = None
    max_points: float | None = None
    grade: dict[str, Any] | None = None
    gold: dict[str, Any] | None = None
    rendered_gold: dict[str, str] | None = None
    human_parts: int = 0

    @property
    def templates(self) -> dict[str, str]:
        return item_types.get(self.type).templates


@dataclass(frozen=True)
class WrittenPart:
    """A written part of an answer that counts towards the score: its grading task and its
    grade once final, or no task when it was left empty (it then scores 0)."""

    task_id: int | None
    position: int
    kind: str
    points: float | None  # None until the task is final
    max_points: float | None  # None for an empty part (no task, no rubric read)
    appealed: bool = False
    state: str = "final"  # final | grading (a grader has it) | waiting | empty
    counts: bool = True  # False: a correction of a claim that is not false (graded, not scored)

    @property
    def final(self) -> bool:
        return self.state == "final"


# What each part of a skill's score is made of, where a skill has both kinds of parts.
AUTO_WHAT = {"fact_checking": "claim labels"}
WRITTEN_WHAT = {"fact_checking": "corrections", "written_reasoning": "justifications",
                "rewriting": "rewrites"}


@dataclass(frozen=True)
class SkillLine:
    """One skill of a scored attempt, with the part marked automatically and the written
    part graded by people apart, so that the total can be followed."""

    skill: str
    auto: Share | None  # None when no automatically marked points count towards it
    written: Share | None  # None when no written part counts towards it
    total: Share

    @property
    def auto_what(self) -> str:
        return AUTO_WHAT.get(self.skill, "")

    @property
    def written_what(self) -> str:
        return WRITTEN_WHAT.get(self.skill, "written answers")


def skill_lines(scored: Any, summary: Summary) -> list[SkillLine]:
    """``scored.by_skill`` split into the automatic part (as ``summary`` tallies it, by the
    same rule as ``core.scoring``) and the rest, which is the written part."""
    lines = []
    for skill, total in scored.by_skill.items():
        tally = summary.by_skill.get(skill)
        auto = Share.of(tally.points, tally.max_points) if tally and tally.max_points else None
        written_max = total.max_points - (auto.max_points if auto else 0.0)
        written = (Share.of(total.points - (auto.points if auto else 0.0), written_max)
                   if round(written_max, 6) > 0 else None)
        lines.append(SkillLine(skill, auto, written, total))
    return lines


@dataclass
class AttemptPage:
    attempt: Attempt
    title: str
    mode: str
    total: int
    seconds_left: int | None
    nav: list[NavEntry]
    item: ItemView | None = None
    items: list[ItemView] = field(default_factory=list)
    summary: Summary | None = None
    written: list[WrittenPart] = field(default_factory=list)
    appeal: Any = None
    final: Any = None  # scoring.Breakdown once the attempt is scored
    skills: list[SkillLine] = field(default_factory=list)  # the final score by skill, split
    certificate: Any = None  # its current certificate, if it reached a tier

    @property
    def is_practice(self) -> bool:
        return self.mode == "practice"

    @property
    def appealable(self) -> list[WrittenPart]:
        return [w for w in self.written if w.final and w.task_id is not None] \
            if self.appeal is None else []

    @property
    def pending(self) -> list[WrittenPart]:
        return [w for w in self.written if w.state in ("grading", "waiting")]

    def written_at(self, position: int) -> list[WrittenPart]:
        return [w for w in self.written if w.position == position]

    @property
    def is_open(self) -> bool:
        return self.attempt.status == OPEN

    @property
    def unanswered(self) -> list[NavEntry]:
        return [n for n in self.nav if not n.answered]

    @property
    def flagged(self) -> list[NavEntry]:
        return [n for n in self.nav if n.flagged]


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


def _sections(attempt: Attempt) -> dict[str, str]:
    return {s.slug: s.title for s in attempt.assessment_version.sections}


def _state(response: Response) -> str:
    content = response.item_version.content
    answer = response.answer or {}
    if item_types.get(content["type"]).is_complete(content, answer):
        return "answered"
    return "partial" if any(answer.values()) else "unanswered"


def _nav(attempt: Attempt) -> list[NavEntry]:
    titles = _sections(attempt)
    return [NavEntry(r.position, titles.get(r.section_slug, r.section_slug), _state(r), r.flagged,
                     r.revision or 0)
            for r in attempt.responses]


def _item_view(response: Response, *, reveal: bool, section: str) -> ItemView:
    version = response.item_version
    content = version.content
    item_type = item_types.get(content["type"])
    item = ItemView(
        position=response.position, type=item_type.name, type_label=item_type.label,
        section=section, view=item_type.public_view(content, response.presentation),
        rendered=version.rendered, answer=response.answer or {}, revision=response.revision,
        flagged=response.flagged,
        human_parts=len(item_type.human_parts(content, response.answer)))
    if reveal:
        item.points, item.max_points = response.auto_points, response.max_points
        item.grade = response.grade_detail
        item.gold = item_type.gold_view(content)
        item.rendered_gold = version.rendered_gold
    return item


def _page(attempt: Attempt, now: datetime) -> AttemptPage:
    version = attempt.assessment_version
    return AttemptPage(attempt=attempt, title=version.title, mode=version.mode,
                       total=len(attempt.responses),
                       seconds_left=timing.seconds_left(attempt.deadline_at, now)
                       if attempt.status == OPEN else None,
                       nav=_nav(attempt))


def item_page(attempt: Attempt, position: int, now: datetime, *,
              echo: Mapping[str, list[str]] | None = None) -> AttemptPage:
    """``echo``: a refused form, shown back as typed so that nothing the applicant wrote is lost."""
    page = _page(attempt, now)
    response = response_at(attempt, position)
    practice_checked = page.mode == "practice" and response.grade_detail is not None
    page.item = _item_view(response, reveal=practice_checked or not page.is_open,
                           section=_sections(attempt).get(response.section_slug, ""))
    if echo is not None:
        content = response.item_version.content
        try:
            typed = item_types.get(content["type"]).form_answer(content, echo)
        except AnswerError:
            typed = {}
        page.item.answer = {**page.item.answer,
                            **{k: v for k, v in typed.items() if v not in (None, "")}}
    return page


def review_page(attempt: Attempt, now: datetime) -> AttemptPage:
    return _page(attempt, now)


def results_page(attempt: Attempt, now: datetime) -> AttemptPage:
    """The auto-graded part at once; gold keys only once the attempt is scored (or practice)."""
    page = _page(attempt, now)
    reveal = attempt.status == "scored" or page.mode == "practice"
    titles = _sections(attempt)
    outcomes = []
    for response in attempt.responses:
        item = _item_view(response, reveal=reveal, section=titles.get(response.section_slug, ""))
        item.points, item.max_points = response.auto_points, response.max_points
        item.grade = _public_detail(response.grade_detail) if not reveal else response.grade_detail
        page.items.append(item)
        outcomes.append(ItemOutcome(
            position=response.position, skills=tuple(response.item_version.skills),
            points=response.auto_points or 0.0, max_points=response.max_points or 0.0,
            answered=bool((response.grade_detail or {}).get("answered")),
            human_parts=item.human_parts))
    page.summary = summarise(outcomes)
    page.appeal = appeals.appeal_of_attempt(attempt.id)
    if not page.is_practice:  # practice makes no grading tasks: nothing is graded
        page.written = _written_parts(attempt, page.appeal, now)
    if attempt.status == "scored":
        page.final = scoring.breakdown(attempt, now)
        page.skills = skill_lines(page.final.scored, page.summary)
        page.certificate = certificates.current_certificate(attempt.id)
    return page


def _written_parts(attempt: Attempt, appeal: Any, now: datetime) -> list[WrittenPart]:
    """Every written part that counts, in question order: graded, with a grader, waiting for
    one, or left empty (no task was made; it scores 0)."""
    appealed = appeal.task_id if appeal else None
    tasks = {(task.response_id, task.part): task
             for task, _ in appeals.tasks_of_attempt(attempt.id)}
    parts = []
    for response in attempt.responses:
        content = response.item_version.content
        slots = item_types.get(content["type"]).scored_parts(content)
        extra = [key for key in tasks if key[0] == response.id
                 and key[1] not in {slot.part for slot in slots}]  # e.g. a true claim corrected
        for part, kind, counts in [(slot.part, slot.kind, True) for slot in slots] + \
                [(key[1], tasks[key].kind, False) for key in extra]:
            task = tasks.get((response.id, part))
            if task is None:
                parts.append(WrittenPart(None, response.position, kind, 0.0, None,
                                         state="empty"))
                continue
            parts.append(WrittenPart(task.id, response.position, task.kind,
                                     task.final_points if task.status == "final" else None,
                                     task.max_points, task.id == appealed, _task_state(task, now),
                                     counts))
    return parts


def _task_state(task: Any, now: datetime) -> str:
    if task.status == "final":
        return "final"
    leased = task.lease_holder_id is not None and task.lease_expires_at is not None \
        and task.lease_expires_at > now
    return "grading" if leased or task.grades_done or task.status != "open" else "waiting"


def _public_detail(detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a result may say about an item before the attempt is scored: how well, not why."""
    if detail is None:
        return None
    return {k: detail[k] for k in ("answered", "fraction", "auto") if k in detail}


def instructions(slug: str, user_id: int, now: datetime) -> Instructions:
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.slug == slug, Assessment.retired.is_(False)))
    if assessment is None:
        raise ServiceError("No such assessment.", code="not_found", status=404)
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
