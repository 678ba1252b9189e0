"""The strategy report of a blueprint, built from bank contents (see ``core/strategies``).

Each candidate item is turned into a ``SimItem``: for every strategy, its outcomes over
``PRESENTATIONS`` seeded presentations (display orders drawn as an attempt draws them),
graded by the item type's own ``grade`` and, for written parts, counted by its own
``human_parts`` (written as ``with_writing`` fills them); the key's answer is the type's
``key_answer``. No item type is named here. Pure, like ``banks/validity``: it works on loaded
specs or imported content.
"""
from __future__ import annotations

import random
from collections import defaultdict
from typing import Iterable, Mapping, Sequence

from .. import items as item_types
from ..core.scoring import TierRule, Weights
from ..core.strategies import (
    DIFFICULTY,
    WRITTEN_LEVELS,
    Profile,
    Report,
    SimItem,
    SimOutcome,
    SimSection,
    simulate,
)
from .validity import BankContent, NotComputable, section_pools, skills, tier_rules

PRESENTATIONS = 24  # display orders sampled per item
RANDOM_SAMPLES = 48  # random answers sampled per item


def _outcome(kind, content: Mapping, answer: Mapping, slots) -> SimOutcome:
    parsed = kind.parse_answer(content, answer) if answer else None
    graded = kind.grade(content, parsed)
    share = graded.points / graded.max_points if graded.max_points else 0.0
    written = kind.with_writing(content, answer or {})  # what a writer fills in
    tasks = {part.part for part in kind.human_parts(content, written)}
    return SimOutcome(round(share, 6), frozenset(i for i, slot in enumerate(slots)
                                                 if slot.part in tasks))


def _random_answers(kind, content: Mapping, rng: random.Random) -> list[dict]:
    space = kind.answer_space(content)
    if not space:
        return [{}]
    space = list(space)
    return [space[rng.randrange(len(space))] for _ in range(RANDOM_SAMPLES)]


def sim_item(bank: str, entry: Mapping, rubric_max: Mapping[str, float], seed: int = 0
             ) -> SimItem:
    kind = item_types.get(entry["type"])
    slots = kind.scored_parts(entry)
    rng = random.Random(f"{seed}:{bank}/{entry['id']}")
    outcomes: dict[str, list[SimOutcome]] = defaultdict(list)
    for _ in range(PRESENTATIONS):
        presentation = kind.presentation(entry, rng)
        for name, answer in kind.shortcuts(entry, presentation).items():
            outcomes[name].append(_outcome(kind, entry, answer, slots))
    outcomes["gold"] = [_outcome(kind, entry, kind.key_answer(entry), slots)]
    outcomes["random"] = [_outcome(kind, entry, answer, slots)
                          for answer in _random_answers(kind, entry, rng)]
    return SimItem(key=(bank, entry["id"]), type=entry["type"], skills=skills(entry),
                   auto_max=kind.max_points(entry),
                   slots=tuple((slot.kind, rubric_max[slot.rubric]) for slot in slots),
                   outcomes={name: tuple(found) for name, found in outcomes.items()},
                   difficulty=DIFFICULTY.get(entry.get("difficulty"), 0.0))


def sim_sections(definition: Mapping, banks: Iterable[BankContent], *, seed: int = 0
                 ) -> list[SimSection]:
    return [SimSection(section["id"], section["draw"], items)
            for section, items in section_pools(
                definition, banks, lambda bank, entry, rubric_max:
                sim_item(bank, entry, rubric_max, seed))]


def best_shortcuts(sections: Sequence[SimSection]) -> dict[str, str]:
    """Per item type, the shortcut with the highest mean keyed share over the blueprint's pool
    weighted by how likely each item is to be drawn: what a careless applicant would settle on."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for section in sections:
        weight = section.draw / len(section.pool)
        for item in section.pool:
            for name, outcomes in item.outcomes.items():
                if name in ("gold", "random"):
                    continue
                totals[item.type][name] += weight * sum(o.keyed for o in outcomes) / len(outcomes)
    return {kind: max(found, key=found.get) for kind, found in totals.items() if found}


def with_best(sections: Sequence[SimSection], best: Mapping[str, str]) -> list[SimSection]:
    """The sections with a ``best`` strategy on every item: its type's best shortcut."""
    def item(it: SimItem) -> SimItem:
        chosen = it.outcomes.get(best.get(it.type, ""), it.outcomes["random"])
        return SimItem(it.key, it.type, it.skills, it.auto_max, it.slots,
                       {**it.outcomes, "best": chosen}, it.difficulty)
    return [SimSection(s.slug, s.draw, tuple(item(i) for i in s.pool)) for s in sections]


def profiles(shortcut_names: Iterable[str]) -> list[Profile]:
    """Knowing every key (writing nothing, or at each written level: the form-equivalence
    check); random answering and the best shortcut per type at each written level; every
    other shortcut with middle written grades. All but knowing the keys are held to the
    shortcut bar."""
    found = [Profile("knows every key, writes nothing", "gold", None)]
    found += [Profile(f"knows every key, {level} written grades", "gold", share)
              for level, share in WRITTEN_LEVELS.items()]
    for name in ("random", "best"):
        found += [Profile(f"{name}, {level} written grades", name, share, shortcut=True)
                  for level, share in WRITTEN_LEVELS.items()]
    found += [Profile(f"{name}, middle written grades", name, WRITTEN_LEVELS["middle"],
                      shortcut=True) for name in sorted(shortcut_names)]
    return found


def strategy_report(definition: Mapping, banks: Iterable[BankContent], *, seed: int = 0,
                    draws: int = 2000) -> tuple[Report, dict[str, str]]:
    """The blueprint's strategy report and the best shortcut per item type.

    Raises ``NotComputable`` when a section draws from items not among ``banks``."""
    rules: list[TierRule] = tier_rules(definition)
    found = definition.get("weights")
    weights = Weights(found["parts"], found.get("sections") or {}) if found else None
    sections = sim_sections(definition, banks, seed=seed)
    best = best_shortcuts(sections)
    sections = with_best(sections, best)
    names = {name for s in sections for item in s.pool for name in item.outcomes} - \
        {"gold", "random", "best"}
    return simulate(sections, weights, rules, profiles(names), draws=draws, seed=seed), best


def strategy_lines(assessments: Sequence, banks: Sequence[BankContent], *, seed: int = 0,
                   draws: int = 2000) -> tuple[list[str], list[str]]:
    """What ``banks validate --strict`` prints per timed blueprint, and the problems that fail
    it (see ``core.strategies.Report.problems``). ``assessments`` are spec-like."""
    lines, problems = [], []
    for spec in assessments:
        if spec.definition.get("mode") != "timed" or not spec.definition.get("tiers"):
            continue
        try:
            report, best = strategy_report(spec.definition, banks, seed=seed, draws=draws)
        except NotComputable as exc:
            lines.append(f"note: {spec.slug}: strategies not simulated: {exc}")
            continue
        lines += [f"{spec.slug}: {line}" for line in summary(report, best)]
        problems += [f"{spec.slug}: {problem}" for problem in report.problems()]
    return lines, problems


def summary(report: Report, best: Mapping[str, str]) -> list[str]:
    """A few lines a bank author can act on: what each profile reaches, the form check, KR-20."""
    def reached(result) -> str:
        tiers = [f"{tier} {p:.2%}" for tier, p in result.reach.items() if p > 0]
        return ", ".join(tiers) or "no tier"
    lines = ["best shortcut per type: " + ", ".join(f"{t} '{s}'" for t, s in sorted(best.items()))]
    for result in report.results:
        p = result.profile
        if p.strategy in ("gold", "random", "best"):
            lines.append(f"  {p.name}: keyed {result.keyed_mean:.0%}; {reached(result)}"
                         + (f"; tier differs on {result.disagreement:.1%} of draws"
                            if p.strategy == "gold" else ""))
    worst = max((r for r in report.results if r.profile.shortcut),
                key=lambda r: (r.any_tier, r.keyed_mean), default=None)
    if worst is not None:
        lines.append(f"  strongest shortcut with middle written grades: "
                     f"'{worst.profile.strategy}' (keyed {worst.keyed_mean:.0%}; "
                     f"{reached(worst)})")
    if report.kr20:
        lines.append(f"  simulated KR-20 of the keyed part: {report.kr20_mean:.2f} "
                     f"(weakest draw {min(report.kr20):.2f}; {report.draws} draws)")
    return lines
