"""Helpers for exam tests: answers built from an item's gold key, attempts, a movable clock."""
from __future__ import annotations

from datetime import timedelta

from helpers import FIXED_NOW

from assess import items as item_types


def gold_answer(content: dict) -> dict:
    """A complete, fully correct answer: the key's answer, with every written part filled to
    its minimum length (both asked of the item's type)."""
    kind = item_types.get(content["type"])
    return kind.with_writing(content, kind.key_answer(content))


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
            if not value:  # an empty selection is posted by its "none of these" box
                fields[f"{key}_none"] = ["1"]
            else:  # a range of word indices [first, last] is posted as "first-last"
                fields[key] = [f"{v[0]}-{v[1]}" if isinstance(v, (list, tuple)) else str(v)
                               for v in value]
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
