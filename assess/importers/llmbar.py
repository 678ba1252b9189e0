"""LLMBar and MT-Bench pairs (``{"input", "output_1", "output_2", "label"}``) → pairwise items.

``label`` names the better output (1 or 2). LLMBar's labels are objective: the better output
follows the instruction; in the Adversarial subsets the other one is built to look more
polished. MT-Bench (as repackaged by LLMBar) holds human majority votes; its copy has ties
removed, but a tie label ("tie", "equal", 0 or 3) is read as gold ``equal`` with
``allow_equal: true``. The gold carries no strength: the datasets don't say by how much.
"""
from __future__ import annotations

from pathlib import Path

from .base import (
    JUSTIFICATION_RUBRIC,
    ImportResult,
    finish,
    json_objects,
    quote,
    read_json_records,
    require_records,
    rng_for,
    text_field,
    title_from,
    too_long,
)
from .pairs import pairwise_item

KEYS = ("input", "output_1", "output_2", "label")
EXPECTED = ("a JSON list (or JSON Lines) of objects with input, output_1, output_2 and "
            "label (1 or 2), as in LLMBar's dataset.json")
TIES = ("tie", "equal", 0, 3)
SUBSETS = {"natural": "Natural", "adversarial_gptinst": "Adversarial/GPTInst",
           "adversarial_gptout": "Adversarial/GPTOut", "adversarial_manual": "Adversarial/Manual",
           "adversarial_neighbor": "Adversarial/Neighbor"}

LLMBAR_DESCRIPTION = """\
Imported from LLMBar ({subset} set), Zeng et al. 2023, github.com/princeton-nlp/LLMBar
(MIT licence). Each item pairs an instruction with two outputs; the gold is the output that
follows the instruction, as labelled by the LLMBar authors.
"""
MTBENCH_DESCRIPTION = """\
Imported from MT-Bench human judgments (LMSYS, CC-BY-4.0), as repackaged by LLMBar
(github.com/princeton-nlp/LLMBar, MIT licence). Each item pairs a first-turn question with two
model answers; the gold is the expert judges' majority vote.
"""


def _subset(path: Path) -> tuple[str, str]:
    """(display name, tag) of the LLMBar subset, from the file name."""
    stem = path.stem.lower().removeprefix("llmbar_")
    if stem in SUBSETS:
        return SUBSETS[stem], "llmbar-" + stem.replace("_", "-")
    return "", ""


def _label(record: dict, result: ImportResult, ties: bool) -> int | str | None:
    label = record.get("label")
    if label is None:
        result.skip("missing label")
        return None
    if isinstance(label, str):
        try:
            label = int(label)
        except ValueError:  # not an integer (or too long to be one)
            pass
    if label in (1, 2) and not isinstance(label, bool):
        return label
    if ties and (label in TIES and not isinstance(label, bool)):
        return "tie"
    result.skip(f"unknown label {label!r}")
    return None


def _read(path, *, sample, seed, id_prefix, mtbench: bool) -> ImportResult:
    path = Path(path)
    result = ImportResult()
    records = read_json_records(path, result, EXPECTED)
    require_records(path, records, [KEYS], EXPECTED)
    subset, subset_tag = ("", "") if mtbench else _subset(path)
    source = "MT-Bench" if mtbench else f"LLMBar ({subset} set)" if subset else "LLMBar"
    tags = ["mt-bench"] if mtbench else ["llmbar"] + ([subset_tag] if subset_tag else [])
    difficulty = None if mtbench else ("hard" if subset.startswith("Adversarial") else
                                       "medium" if subset else None)
    units = []
    for number, record in json_objects(records, result):
        prompt = text_field(record, "input", result, "input")
        one = prompt and text_field(record, "output_1", result, "response")
        two = one and text_field(record, "output_2", result, "response")
        label = two and _label(record, result, ties=mtbench)
        if not label or too_long(result, prompt=prompt, response=one) \
                or too_long(result, response=two):
            continue
        if one.strip() == two.strip():
            result.skip("identical responses")
            continue
        tie = label == "tie"
        better, worse = (one, two) if label in (1, "tie") else (two, one)
        if mtbench:
            explanation = (
                "In MT-Bench (LMSYS human judgments, repackaged by LLMBar), the expert judges "
                "rated the two answers about equally good, so neither is clearly better."
                if tie else
                f"In MT-Bench (LMSYS human judgments, repackaged by LLMBar), the majority of "
                f"expert judges preferred the answer that begins {quote(better)}. Judges "
                f"weigh helpfulness, correctness and depth for the question asked.")
        else:
            explanation = (
                f"In {source}, the gold label marks the output that begins {quote(better)} as "
                f"better: it follows the instruction more faithfully and precisely. The other "
                f"output deviates from what was asked"
                + (", even though it may look more polished or detailed." if
                   difficulty == "hard" else ".")
                + " Judge instruction following first, then helpfulness and accuracy; length "
                  "and style come last.")
        label_text = "MT-Bench" if mtbench else source
        item = pairwise_item(
            f"{id_prefix}-{number:04d}", title=title_from(f"{label_text} #{number}", prompt),
            prompt=prompt, better=better, worse=worse, rng=rng_for(seed, number),
            explanation=explanation, skills=["judgment", "written_reasoning"], tags=list(tags),
            difficulty=difficulty, tie=tie)
        units.append([item])
    result.rubrics.append(JUSTIFICATION_RUBRIC)
    result.title = f"{source}: which response is better"
    result.description = MTBENCH_DESCRIPTION if mtbench else LLMBAR_DESCRIPTION.format(
        subset=subset or "an unnamed")
    return finish(result, units, sample, seed)


def read(path, *, sample: int | None, seed: int, id_prefix: str) -> ImportResult:
    return _read(path, sample=sample, seed=seed, id_prefix=id_prefix, mtbench=False)

