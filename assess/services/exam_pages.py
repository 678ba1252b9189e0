"""Read side of an attempt: what the item, review and results pages show (the instructions
page, before an attempt, is ``instructions_page``).

Nothing here writes. Gold keys and explanations leave this module only when the
assessment's review options allow it (``core/review.py``): by default for a practice
attempt's checked item and finished practice attempt, never for a timed attempt.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from .. import items as item_types
from ..core import review, timing
from ..core.results import ItemOutcome, Summary, summarise
from ..core.scoring import Share
from ..items.base import AnswerError
from ..models import Attempt
from ..models.attempt import OPEN, Response
from . import appeals, certificates, scoring
from .attempts import response_at, standing_for

# The instructions page was read here; the views still ask this module for it.
from .instructions_page import Instructions, Sample, instructions, sample  # noqa: F401


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
    checked: bool = False  # a practice item whose answer was checked

    @property
    def templates(self) -> dict[str, str]:
        return item_types.get(self.type).templates

    @property
    def script(self) -> str | None:
        """The type's own script for the exam page (a path under static/), if it has one."""
        return item_types.get(self.type).script


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


@dataclass(frozen=True)
class SectionLine:
    """One section's automatically scored part, in blueprint order."""

    title: str
    points: float
    max_points: float
    items: int

    @property
    def share(self) -> float | None:
        return self.points / self.max_points if self.max_points else None


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
    sections: list[SectionLine] = field(default_factory=list)
    # What the review options let this page show; nothing until a page sets it.
    shown: review.Visibility = review.Visibility(False, False, False)
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


def review_options(attempt: Attempt) -> review.ReviewOptions:
    """The assessment's current review options. Like Moodle's, they apply to past attempts
    too: a blueprint that stops showing keys hides them from earlier attempts as well."""
    latest = attempt.assessment.latest
    return review.of_definition(latest.definition, latest.mode)


def visibility(attempt: Attempt, now: datetime, *, checked: bool = False) -> review.Visibility:
    """What a page may show of ``attempt`` now. ``checked``: a practice item whose answer was
    checked (its result is final although the attempt is open)."""
    options = review_options(attempt)
    practice = attempt.assessment_version.mode == "practice"
    final = checked or attempt.status == "scored" or (
        practice and attempt.status not in (OPEN, "void"))
    closed = False
    if final and review.AFTER_CLOSE in (options.keys, options.explanations):
        closed = standing_for(attempt.user_id, attempt.assessment, now).reason == "exhausted"
    return review.visibility(options, final=final, closed=closed)


def _item_view(response: Response, *, shown: review.Visibility | None,
               section: str) -> ItemView:
    """``shown``: what the item may carry beyond the applicant's own answer (None: nothing)."""
    version = response.item_version
    content = version.content
    item_type = item_types.get(content["type"])
    item = ItemView(
        position=response.position, type=item_type.name, type_label=item_type.label,
        section=section, view=item_type.public_view(content, response.presentation),
        rendered=version.rendered, answer=response.answer or {}, revision=response.revision,
        flagged=response.flagged,
        human_parts=len(item_type.human_parts(content, response.answer)))
    if shown is None:
        return item
    if shown.per_item_scores:
        item.points, item.max_points = response.auto_points, response.max_points
    # The full grade detail names the key (claim labels, missed labels, gold scores).
    item.grade = response.grade_detail if shown.keys else _public_detail(
        response.grade_detail, scores=shown.per_item_scores)
    if shown.keys:  # explanations are never shown without the keys (core/review.py)
        gold = dict(item_type.gold_view(content))
        rendered_gold = dict(version.rendered_gold or {})
        if not shown.explanations:
            gold.pop("explanation", None)
            rendered_gold.pop("explanation", None)
        item.gold, item.rendered_gold = gold, rendered_gold
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
    shown = visibility(attempt, now, checked=practice_checked) \
        if practice_checked or not page.is_open else None
    if shown is not None:
        page.shown = shown
    page.item = _item_view(response, shown=shown,
                           section=_sections(attempt).get(response.section_slug, ""))
    page.item.checked = practice_checked
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
    """The auto-graded part at once, per skill and per section; per-item scores, gold keys and
    explanations as the assessment's review options allow (``core/review.py``)."""
    page = _page(attempt, now)
    page.shown = visibility(attempt, now)
    titles = _sections(attempt)
    outcomes = []
    for response in attempt.responses:
        item = _item_view(response, shown=page.shown,
                          section=titles.get(response.section_slug, ""))
        page.items.append(item)
        outcomes.append(ItemOutcome(
            position=response.position, skills=tuple(response.item_version.skills),
            points=response.auto_points or 0.0, max_points=response.max_points or 0.0,
            answered=bool((response.grade_detail or {}).get("answered")),
            human_parts=item.human_parts))
    page.summary = summarise(outcomes)
    page.sections = _section_lines(attempt, titles)
    page.appeal = appeals.appeal_of_attempt(attempt.id)
    if not page.is_practice:  # practice makes no grading tasks: nothing is graded
        page.written = _written_parts(attempt, page.appeal, now, keys=page.shown.keys)
    if attempt.status == "scored":
        page.final = scoring.breakdown(attempt, now)
        page.skills = skill_lines(page.final.scored, page.summary)
        page.certificate = certificates.current_certificate(attempt.id)
    return page


def _section_lines(attempt: Attempt, titles: Mapping[str, str]) -> list[SectionLine]:
    """The automatically scored points of each section, in blueprint order."""
    tallies: dict[str, list[float]] = {}
    for response in attempt.responses:
        tally = tallies.setdefault(response.section_slug, [0.0, 0.0, 0])
        tally[0] += response.auto_points or 0.0
        tally[1] += response.max_points or 0.0
        tally[2] += 1
    order = [s.slug for s in attempt.assessment_version.sections]
    slugs = [s for s in order if s in tallies] + [s for s in tallies if s not in order]
    return [SectionLine(titles.get(slug, slug), round(tallies[slug][0], 6),
                        round(tallies[slug][1], 6), int(tallies[slug][2])) for slug in slugs]


def _written_parts(attempt: Attempt, appeal: Any, now: datetime, *,
                   keys: bool = True) -> list[WrittenPart]:
    """Every written part that counts, in question order: graded, with a grader, waiting for
    one, or left empty (no task was made; it scores 0). Without ``keys``, an empty correction
    is left out: there is one for each claim that is false in the key, so listing them would
    tell which claims are false."""
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
            if not keys and not counts:  # "does not count: this claim is not false"
                continue
            if task is None:
                if keys or kind != "correction":
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


def _public_detail(detail: dict[str, Any] | None, *,
                   scores: bool = True) -> dict[str, Any] | None:
    """What a result may say about an item without its key: how well (unless ``scores`` is
    False: only whether it was answered), not why."""
    if detail is None:
        return None
    keep = ("answered", "fraction", "auto") if scores else ("answered",)
    return {k: detail[k] for k in keep if k in detail}
