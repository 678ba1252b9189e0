"""Blueprint files (``assessment:``): sections and what they draw, tiers, weights and review
options, each error named by file, section or tier, and field."""
from __future__ import annotations

from typing import Iterable, Mapping

from .. import items as item_types
from ..core.scoring import PARTS
from ..core.selection import SELECTOR_KEYS, Candidate, pool
from .checker import Checker
from .errors import BankError
from .specs import AssessmentSpec, content_hash, slug_field

ASSESSMENT_FIELDS = {"assessment", "title", "domain", "mode", "time_limit_minutes",
                     "grace_seconds", "attempts_allowed", "cooldown_hours", "shuffle_items",
                     "review",
                     "description", "instructions", "sections", "tiers", "weights"}
SECTION_FIELDS = {"id", "title", "draw", "from"}
TIER_FIELDS = {"id", "name", "min_overall", "min_skills", "min_parts", "requires",
               "valid_days"}
WEIGHT_FIELDS = {"parts", "sections"}


def load_assessment(file: str, data: Mapping, lines: dict[int, int], candidates: list[Candidate],
                     broken: set[str], errors: list[BankError]) -> AssessmentSpec | None:
    check = Checker()
    line = lines.get(id(data))
    check.unknown_keys(data, ASSESSMENT_FIELDS)
    slug = slug_field(check, data, "assessment")
    check.text(data, "title", max_len=200)
    slug_field(check, data, "domain")
    mode = check.choice(data, "mode", ("timed", "practice"))
    limit = check.integer(data, "time_limit_minutes", required=mode == "timed", minimum=1,
                          maximum=24 * 60)
    if mode == "practice" and limit is not None:
        check.add("time_limit_minutes", "practice assessments are untimed: leave it out")
    check.integer(data, "grace_seconds", required=False, minimum=0, maximum=600)
    check.integer(data, "attempts_allowed", required=False, minimum=0)
    check.number(data, "cooldown_hours", required=False, minimum=0)
    check.boolean(data, "shuffle_items", default=True)
    check.text(data, "description", required=False)
    check.text(data, "instructions")
    sections = check.sequence(data, "sections", min_len=1) or []
    tiers = check.sequence(data, "tiers", required=False) or []
    count = len(errors)
    errors.extend(BankError(file, e.message, field=e.path, line=line) for e in check.errors)

    taken: dict = {"keys": set(), "draws": 0}  # what earlier sections could have drawn
    section_ids: set[str] = set()
    for i, section in enumerate(sections):
        _check_section(file, i, section, lines, candidates, broken, section_ids, taken, errors)
    tier_ids: set[str] = set()
    for i, tier in enumerate(tiers):
        _check_tier(file, i, tier, lines, tier_ids, errors)
    weights = _check_weights(file, data, lines, section_ids, errors)
    if len(errors) > count or slug is None:
        return None

    definition = {
        "assessment": slug, "title": data["title"], "domain": data["domain"], "mode": mode,
        "time_limit_minutes": limit if mode == "timed" else None,
        "grace_seconds": data.get("grace_seconds", 30),
        "attempts_allowed": data.get("attempts_allowed", 1 if mode == "timed" else 0),
        "cooldown_hours": data.get("cooldown_hours", 0),
        "shuffle_items": data.get("shuffle_items", True),
        "description": data.get("description") or "",
        "instructions": data["instructions"],
        **_review_options(file, data, lines, errors),
        **({"weights": weights} if weights else {}),
        "sections": [{"id": s["id"], "title": s.get("title") or s["id"], "draw": s["draw"],
                      "from": {k: list(s["from"][k]) for k in SELECTOR_KEYS if k in s["from"]}}
                     for s in sections],
        "tiers": [{"id": t["id"], "name": t["name"], "min_overall": t.get("min_overall", 0),
                   "min_skills": dict(t.get("min_skills") or {}),
                   # only when given, so that older blueprints keep their content hash
                   **({"min_parts": dict(t["min_parts"])} if t.get("min_parts") else {}),
                   "requires": list(t.get("requires") or []),
                   "valid_days": t.get("valid_days")} for t in tiers],
    }
    return AssessmentSpec(file, slug, definition, content_hash(definition))


def _check_supply(check: Checker, wanted: int, matching: list[Candidate], taken: dict) -> None:
    """Sections draw at random, so check the worst case: earlier sections whose filters overlap
    this one may have taken as many shared items as they draw."""
    shared = {c.key for c in matching} & set(taken["keys"])
    worst = len(matching) - min(len(shared), taken["draws"])
    if worst < wanted:
        check.add("draw", f"asks for {wanted} items but only {len(matching)} match its filters"
                          + (f", and earlier sections may take up to {len(matching) - worst} of "
                             f"them" if worst < len(matching) else ""))
    taken["keys"].update(c.key for c in matching)
    taken["draws"] += wanted


def _check_section(file, i, section, lines, candidates, broken, section_ids, taken,
                   errors) -> None:
    line = lines.get(id(section))
    if not isinstance(section, Mapping):
        errors.append(BankError(file, "expected a mapping", field=f"sections[{i}]", line=line))
        return
    check = Checker()
    check.unknown_keys(section, SECTION_FIELDS)
    section_id = slug_field(check, section, "id")
    check.text(section, "title", required=False, max_len=200)
    wanted = check.integer(section, "draw", minimum=1)
    selector = check.mapping(section, "from")
    if selector is not None:
        check.unknown_keys(selector, SELECTOR_KEYS, "from.")
        for key in SELECTOR_KEYS:
            values = check.sequence(selector, key, f"from.{key}", required=key == "banks",
                                    min_len=1)
            if values and not all(isinstance(v, str) for v in values):
                check.add(f"from.{key}", "expected a list of strings")
        for j, type_name in enumerate(selector.get("types") or []):
            if type_name not in item_types.names():
                check.add(f"from.types[{j}]", f"unknown item type {type_name!r}; known types: "
                                              f"{', '.join(item_types.names())}")
        known_banks = {c.bank for c in candidates}
        for j, bank in enumerate(selector.get("banks") or []):
            if isinstance(bank, str) and bank in broken:
                check.add(f"from.banks[{j}]", f"bank {bank!r} has errors (listed above); "
                                              f"fix them first")
            elif isinstance(bank, str) and bank not in known_banks:
                check.add(f"from.banks[{j}]", f"no bank {bank!r} is loaded or imported")
    label = f"section {section_id or '#' + str(i + 1)!r}"
    if section_id in section_ids:
        check.add("id", "duplicate section id")
    section_ids.add(section_id)
    if not check.errors and wanted is not None:
        _check_supply(check, wanted, pool(selector, candidates), taken)
    errors.extend(BankError(file, e.message, item=label, field=e.path, line=line)
                  for e in check.errors)


def _shares(check: Checker, entry: Mapping, key: str, known: Iterable[str], what: str,
            *, maximum: float | None = 1) -> dict[str, float]:
    """A mapping of names to non-negative numbers (shares up to ``maximum``), every name known."""
    found = check.mapping(entry, key, required=False) or {}
    known = list(known)
    for name, value in found.items():
        if name not in known:
            check.add(f"{key}.{name}", f"unknown {what} {name!r}; expected one of "
                                       f"{', '.join(known)}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 \
                or (maximum is not None and value > maximum):
            bound = f"between 0 and {maximum:g}" if maximum is not None else "0 or more"
            check.add(f"{key}.{name}", f"expected a number {bound}, got {value!r}")
    return {str(k): float(v) for k, v in found.items() if k in known
            and not isinstance(v, bool) and isinstance(v, (int, float))}


def _check_weights(file, data, lines, section_ids, errors) -> dict | None:
    """``weights: {parts: {keyed: 0.6, written: 0.25, …}, sections: {id: weight}}``: what each
    part of the score weighs on every draw (see core/scoring.py, "Equal forms")."""
    if data.get("weights") is None:
        return None
    check = Checker()
    weights = check.mapping(data, "weights")
    if weights is None:
        errors.extend(BankError(file, e.message, field=e.path, line=lines.get(id(data)))
                      for e in check.errors)
        return None
    check.unknown_keys(weights, WEIGHT_FIELDS, "weights.")
    parts = _shares(check, weights, "parts", PARTS, "part", maximum=None)
    if not parts or not sum(parts.values()):
        check.add("parts", "give every part a weight, e.g. {keyed: 0.6, written: 0.25, "
                           "rewriting: 0.1, corrections: 0.05}")
    sections = _shares(check, weights, "sections", sorted(s for s in section_ids if s),
                       "section", maximum=None)
    errors.extend(BankError(file, e.message, field=f"weights.{e.path}",
                            line=lines.get(id(weights))) for e in check.errors)
    return {"parts": parts, "sections": sections}


def _check_tier(file, i, tier, lines, tier_ids, errors) -> None:
    line = lines.get(id(tier))
    if not isinstance(tier, Mapping):
        errors.append(BankError(file, "expected a mapping", field=f"tiers[{i}]", line=line))
        return
    check = Checker()
    check.unknown_keys(tier, TIER_FIELDS)
    tier_id = slug_field(check, tier, "id")
    check.text(tier, "name", max_len=120)
    check.number(tier, "min_overall", required=False, minimum=0, maximum=1)
    skills = check.mapping(tier, "min_skills", required=False) or {}
    for skill, minimum in skills.items():
        if isinstance(minimum, bool) or not isinstance(minimum, (int, float)) \
                or not 0 <= minimum <= 1:
            check.add(f"min_skills.{skill}", f"expected a share between 0 and 1, got {minimum!r}")
    _shares(check, tier, "min_parts", PARTS, "part")
    for j, requirement in enumerate(check.sequence(tier, "requires", required=False) or []):
        if not isinstance(requirement, str) or requirement.count(":") != 1:
            check.add(f"requires[{j}]", f"expected 'assessment-slug:tier-id', got {requirement!r}")
    check.integer(tier, "valid_days", required=False, minimum=1)
    if tier_id in tier_ids:
        check.add("id", "duplicate tier id")
    tier_ids.add(tier_id)
    label = f"tier {tier_id or '#' + str(i + 1)!r}"
    errors.extend(BankError(file, e.message, item=label, field=e.path, line=line)
                  for e in check.errors)


def _review_options(file: str, data: Mapping, lines: dict[int, int],
                    errors: list[BankError]) -> dict:
    """``review: {keys: …, explanations: …, per_item_scores: …}``: what applicants see of a
    finished attempt (see ``core/review.py``), as ``{"review": {…}}`` for the definition, with
    every default filled in; ``{}`` when the blueprint does not say, so that its mode's
    defaults apply and older blueprints keep their content hash.

    Called once the rest of the blueprint is valid (``mode`` and ``attempts_allowed`` are
    known); its errors go straight to ``errors``, and nothing is imported when there is one."""
    from ..core import review

    if data.get("review") is None:
        return {}
    check = Checker()
    given = check.mapping(data, "review")
    line = lines.get(id(given)) if given is not None else lines.get(id(data))
    if given is not None:
        for name in given:
            if name not in review.FIELDS:
                check.add(f"review.{name}", f"is not a review option; allowed: "
                                            f"{', '.join(review.FIELDS)}")
        mode = data.get("mode")
        keys = check.choice(given, "keys", review.WHEN, "review.keys", required=False) \
            or review.defaults(mode).keys
        explanations = check.choice(given, "explanations", review.WHEN, "review.explanations",
                                    required=False) or keys
        per_item = check.boolean(given, "per_item_scores", "review.per_item_scores",
                                 default=True)
        if not check.errors and review.later(keys, explanations):
            check.add("review.explanations",
                      f"an explanation gives the key away, so explanations cannot be shown "
                      f"earlier than the keys (keys: {keys}): set explanations to {keys}"
                      + (" or later" if keys != review.NEVER else ""))
        allowed = data.get("attempts_allowed", 1 if mode == "timed" else 0)
        for name in ("keys", "explanations"):
            if given.get(name) == review.AFTER_CLOSE and not allowed:
                check.add(f"review.{name}",
                          "after_close means once the applicant has used every allowed "
                          "attempt, but attempts_allowed is 0 (unlimited), so that never "
                          "happens: set attempts_allowed, or use never")
    errors.extend(BankError(file, e.message, field=e.path, line=line) for e in check.errors)
    if check.errors:
        return {}
    return {"review": review.ReviewOptions(keys, explanations, per_item).as_dict()}
