"""Helpers for exam tests: answers built from an item's gold key, attempts, a movable clock."""
from __future__ import annotations

from datetime import timedelta

from helpers import FIXED_NOW


def gold_answer(content: dict) -> dict:
    """A complete, fully correct answer (written parts filled to their minimum length)."""
    kind, gold = content["type"], content.get("gold")
    if kind == "pairwise":
        answer = {"choice": gold["choice"]}
        if gold["choice"] != "equal":
            answer["strength"] = gold.get("strength", 2)
    elif kind == "ranking":
        answer = {"order": [i for element in gold["order"]
                            for i in (element if isinstance(element, list) else [element])]}
    elif kind == "rubric":
        answer = {"scores": dict(gold)}
    elif kind == "factcheck":
        answer = {"labels": dict(gold)}
        false = [claim for claim, label in gold.items() if label == "false"]
        if false:
            answer["corrections"] = {claim: "The correct statement is different." for claim in false}
    elif kind == "rewrite":
        answer = {"text": "A careful, corrected rewrite of the response. " *
                          max(1, content.get("min_chars", 0) // 40 + 1)}
    elif kind == "labels":
        answer = {"labels": list(gold)}
    elif kind == "choice":
        answer = {"selected": [gold] if isinstance(gold, str) else list(gold)}
    else:
        raise AssertionError(f"no gold answer for {kind}")
    justification = content.get("justification")
    if justification:
        answer["justification"] = ("Response A names the decisive factual error. "
                                   * max(1, justification.get("min_chars", 0) // 40 + 1))
    return answer


def gold_texts(content: dict) -> list[str]:
    """Distinctive strings that only a gold key carries: explanations, model corrections."""
    texts = [content["explanation"]]
    texts += list((content.get("gold_corrections") or {}).values())
    if content.get("reference"):
        texts.append(content["reference"])
    return [t.strip() for t in texts if t and len(t.strip()) > 20]


def set_clock(app, moment):
    app.config["CLOCK"] = lambda: moment


def later(**delta):
    return FIXED_NOW + timedelta(**delta)


def form_fields(answer: dict) -> dict[str, list[str]]:
    """The plain HTML form fields (as a browser without JavaScript posts them) for an answer."""
    fields: dict[str, list[str]] = {}
    for key, value in answer.items():
        if isinstance(value, dict):
            for inner, text in value.items():
                fields[f"{key}.{inner}"] = [str(text)]
        elif isinstance(value, list):
            if key == "labels" and not value:
                fields["labels_none"] = ["1"]
            else:
                fields[key] = [str(v) for v in value]
        else:
            fields[key] = [str(value)]
    return fields


def submit_gold_attempt(app, email: str, slug: str, now) -> tuple[int, int]:
    """``email``'s attempt at ``slug``, answered with every gold key and submitted, inside
    ``app``: (user id, attempt id)."""
    from assess.services import accounts
    from assess.services.attempts import save_answer, start_attempt, submit
    with app.app_context():
        user = accounts.find_by_email(email)
        attempt = start_attempt(user.id, slug, now)
        for response in attempt.responses:
            save_answer(attempt.id, user.id, response.position,
                        gold_answer(response.item_version.content), 1, now)
        submit(attempt.id, user.id, now)
        return user.id, attempt.id
