"""Pairwise items built from "prompt + two responses + which is better" records (shared by
the LLMBar, MT-Bench and HH-RLHF formats). The type's name and its "equal" choice come from the
pairwise type itself."""
from __future__ import annotations

import random
from typing import Any

from ..items.pairwise import EQUAL, Pairwise
from .base import JUSTIFICATION


def pairwise_item(item_id: str, *, title: str, prompt: str, better: str, worse: str,
                  rng: random.Random, explanation: str, skills: list[str], tags: list[str],
                  difficulty: str | None = None, tie: bool = False) -> dict[str, Any]:
    """A pairwise entry whose gold is ``better`` (or ``equal`` when ``tie``).

    Which response is listed first is drawn from ``rng``, so the gold is first in about half
    the items; applicants see them in a per-attempt random order anyway.
    """
    first, second = (better, worse) if rng.random() < 0.5 else (worse, better)
    responses = [{"id": "r1", "text": first}, {"id": "r2", "text": second}]
    item: dict[str, Any] = {"id": item_id, "type": Pairwise.name, "title": title,
                            "skills": skills, "tags": tags}
    if difficulty:
        item["difficulty"] = difficulty
    item["prompt"] = prompt
    item["responses"] = responses
    if tie:
        item["allow_equal"] = True
        item["gold"] = {"choice": EQUAL}
    else:
        item["gold"] = {"choice": "r1" if first is better else "r2"}
    item["explanation"] = explanation
    item["justification"] = dict(JUSTIFICATION)
    return item
