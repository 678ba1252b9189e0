"""One QTI 3.0 interaction → the answer part of a bank item (see ``reader`` for the mappings).

``entry`` gives the item's type, prompt and answer fields, plus ``_key`` (a sentence saying
what is correct) and ``_notes`` (what the source scored differently) for the explanation that
``reader`` writes; or None after counting why the item was skipped.
"""
from __future__ import annotations

import itertools
from typing import Any
from xml.etree.ElementTree import Element

from ..base import excerpt
from .common import QtiImportResult, classes, local_name, qname
from .markup import HtmlToMarkdown

SUPPORTED = ("qti-choice-interaction", "qti-order-interaction", "qti-hottext-interaction",
             "qti-extended-text-interaction")
EXTENDED_TEXT_REASON = ("extended text has no assess equivalent: graded by people without a "
                        "text to rewrite")


def entry(root: Element, body: Element, interaction: Element, result: QtiImportResult,
          where: str) -> dict | None:
    """The entry for the item's one interaction (of a ``SUPPORTED`` kind)."""
    kind = local_name(interaction.tag)
    if kind == "qti-extended-text-interaction":
        return _rewrite(root, body, interaction, result, where)
    response_id = interaction.get("response-identifier")
    declaration = next((d for d in root.findall(qname("qti-response-declaration"))
                        if d.get("identifier") == response_id), None)
    if declaration is None:
        result.skip("no qti-response-declaration for the interaction")
        return None
    correct = _values(declaration.find(qname("qti-correct-response")))
    if not correct or not all(correct):
        result.skip("no correct response (nothing to grade against)")
        return None
    convert = HtmlToMarkdown(result, where, interaction)
    prompt = convert.text(body)
    if not prompt:
        result.skip("no prompt text")
        return None
    if kind == "qti-order-interaction":
        return _ranking(root, interaction, declaration, correct, prompt, convert, result)
    return _choice(interaction, declaration, correct, prompt, convert, result,
                   hottext=kind == "qti-hottext-interaction", template=_template(root))


def _values(parent: Element | None) -> list[str]:
    if parent is None:
        return []
    return [(v.text or "").strip() for v in parent.findall(qname("qti-value"))]


def _options(elements: list[Element], convert: HtmlToMarkdown) -> list[dict] | str:
    options = []
    for el in elements:
        ident = (el.get("identifier") or "").strip()
        text = convert.text(el)
        if not ident:
            return "an option without an identifier"
        if not text:
            return "an option without text (an image-only option?)"
        options.append({"id": ident, "text": text})
    if len({o["id"] for o in options}) != len(options):
        return "two options share an identifier"
    return options


def _choice(interaction: Element, declaration: Element, correct: list[str], prompt: str,
            convert: HtmlToMarkdown, result: QtiImportResult, *, hottext: bool,
            template: str | None) -> dict | None:
    tag = "qti-hottext" if hottext else "qti-simple-choice"
    options = _options(list(interaction.iter(qname(tag))), convert)
    if isinstance(options, str):
        result.skip(options)
        return None
    if not 2 <= len(options) <= 10:
        result.skip(f"{'hottext' if hottext else 'choice'} with {len(options)} option(s) "
                    "(a choice item has 2 to 10)")
        return None
    ids = [o["id"] for o in options]
    if any(v not in ids for v in correct) or len(set(correct)) != len(correct):
        result.skip("the correct response names an unknown or repeated option")
        return None
    try:
        max_choices = int(interaction.get("max-choices", "1"))
    except ValueError:
        max_choices = 1
    multiple = max_choices != 1 or declaration.get("cardinality") == "multiple"
    if not multiple and len(correct) != 1:
        result.skip("single choice with several correct values")
        return None
    by_id = {o["id"]: o["text"] for o in options}
    key = ("The correct option: " if len(correct) == 1 else "The correct options: ") + \
        "; ".join(excerpt(by_id[v], 60) for v in correct) + "."
    entry: dict[str, Any] = {"type": "choice", "prompt": prompt, "options": options}
    if multiple:
        entry["multiple"] = True
    if hottext or interaction.get("shuffle") != "true":
        entry["shuffle"] = False  # QTI's default; hottext spans keep their order in the text
    entry["gold"] = list(correct)
    entry["_key"] = key
    if multiple:
        note = _scoring_note(template, declaration, correct, ids)
        entry["_notes"] = [note] if note else []
    return entry


def _template(root: Element) -> str | None:
    processing = root.find(qname("qti-response-processing"))
    if processing is None:
        return None
    return (processing.get("template") or "").rsplit("/", 1)[-1] or "custom"


def _scoring_note(template: str | None, declaration: Element, correct: list[str],
                  ids: list[str]) -> str | None:
    """A sentence for the explanation when the source scored this multiple response item
    differently from assess: max(0, (right picks − wrong picks) ÷ number of right options)."""
    ours = ("Here each correct option counts +1 and each wrong one −1, out of the number of "
            "correct options and never below 0.")
    mapping = declaration.find(qname("qti-mapping"))
    if template == "map_response.xml" and mapping is not None:
        try:
            default = float(mapping.get("default-value", "0"))
            weights = {e.get("map-key"): float(e.get("mapped-value", "0"))
                       for e in mapping.findall(qname("qti-map-entry"))}
            lower = mapping.get("lower-bound")
            upper = mapping.get("upper-bound")
            value = weights.get(correct[0], default)
            same = (value > 0 and all(weights.get(i, default) == value for i in correct)
                    and all(weights.get(i, default) == -value for i in ids if i not in correct)
                    and lower is not None and float(lower) == 0
                    and (upper is None or float(upper) >= value * len(correct)))
        except ValueError:
            same = False
        if same:
            return None
        return ("Note: the source weighted the options with its own mapping, which was not "
                "kept. " + ours)
    if template == "match_correct.xml":
        return ("Note: the source gave credit only for exactly the right set of options. "
                + ours)
    return "Note: the source's own response processing was not kept. " + ours


def _ranking(root: Element, interaction: Element, declaration: Element, correct: list[str],
             prompt: str, convert: HtmlToMarkdown, result: QtiImportResult) -> dict | None:
    responses = _options(list(interaction.iter(qname("qti-simple-choice"))), convert)
    if isinstance(responses, str):
        result.skip(responses)
        return None
    if not 3 <= len(responses) <= 6:
        result.skip(f"order interaction with {len(responses)} choices (a ranking has 3 to 6)")
        return None
    ids = [r["id"] for r in responses]
    if sorted(correct) != sorted(ids):
        result.skip("the correct order does not place every choice exactly once")
        return None
    gold, exact = _gold_order(correct, _accepted_orders(root, declaration.get("identifier")))
    by_id = {r["id"]: r["text"] for r in responses}
    key = "The correct order: " + ", then ".join(
        " or ".join(f"“{excerpt(by_id[i], 40)}”" for i in (g if isinstance(g, list) else [g]))
        for g in gold) + "."
    notes = [] if exact else [
        "Note: the source also accepts other orders, which a ranking cannot express; only "
        "its correct response is kept."]
    return {"type": "ranking", "prompt": prompt, "responses": responses,
            "gold": {"order": gold}, "_key": key, "_notes": notes}


def _accepted_orders(root: Element, response_id: str | None) -> list[tuple[str, ...]]:
    """Orders that the response processing compares the response against (``qti-match`` of
    the response variable with a ``qti-ordered`` constant)."""
    processing = root.find(qname("qti-response-processing"))
    orders = []
    if processing is None:
        return orders
    for match in processing.iter(qname("qti-match")):
        kids = list(match)
        if len(kids) == 2 and local_name(kids[0].tag) == "qti-variable" \
                and kids[0].get("identifier") == response_id \
                and local_name(kids[1].tag) == "qti-ordered":
            orders.append(tuple((v.text or "").strip() for v in kids[1]))
    return orders


def _gold_order(correct: list[str], accepted: list[tuple[str, ...]]) -> tuple[list, bool]:
    """The gold order, with tie groups when the accepted orders are exactly every order of
    some contiguous groups of the correct response; (strict order, False) when they are
    something a ranking cannot express."""
    orders = {tuple(correct), *accepted}
    if len(orders) == 1:
        return list(correct), True
    if any(sorted(o) != sorted(correct) for o in orders):
        return list(correct), False
    positions = [{x: i for i, x in enumerate(o)} for o in orders]

    def tied(a: str, b: str) -> bool:
        return any(p[a] < p[b] for p in positions) and any(p[a] > p[b] for p in positions)

    groups: list[list[str]] = [[correct[0]]]
    for x in correct[1:]:
        if any(tied(y, x) for y in groups[-1]):
            groups[-1].append(x)
        else:
            groups.append([x])
    expected = {tuple(itertools.chain.from_iterable(p))
                for p in itertools.product(*(itertools.permutations(g) for g in groups))}
    if expected != orders or len(groups) == 1:
        return list(correct), False
    return [g[0] if len(g) == 1 else g for g in groups], True


def _rewrite(root: Element, body: Element, interaction: Element, result: QtiImportResult,
             where: str) -> dict | None:
    marked = [e for e in body.iter() if "assess-response" in classes(e)]
    if not marked:
        result.skip(EXTENDED_TEXT_REASON)
        return None
    response_el = marked[0]
    guidance_el = next((e for e in body.iter() if "assess-guidance" in classes(e)), None)
    prompt_el = next((e for e in body.iter() if "assess-prompt" in classes(e)), None)
    convert = HtmlToMarkdown(result, where, interaction,
                        exclude=[e for e in (response_el, guidance_el) if e is not None])
    prompt = convert.text(prompt_el) if prompt_el is not None else convert.text(body)
    response = HtmlToMarkdown(result, where).text(response_el)
    if not prompt or not response:
        result.skip("a rewrite without a prompt or without the text to rewrite")
        return None
    entry: dict[str, Any] = {"type": "rewrite", "prompt": prompt, "response": response,
                             "rubric": "rewrite"}
    if guidance_el is not None:
        guidance = HtmlToMarkdown(result, where).text(guidance_el)
        if guidance:
            entry["guidance"] = guidance
    for block in body.iter(qname("qti-rubric-block")):
        if "scorer" in (block.get("view") or "").split():
            content = block.find(qname("qti-content-body"))
            reference = HtmlToMarkdown(result, where).text(
                content if content is not None else block)
            if reference:
                entry["reference"] = reference
                break
    entry["_key"] = "People grade the rewrite with the bank's rewrite rubric."
    return entry
