"""Bank linting: each rule catches its problem, with file, line and items named, and a
well-made bank produces no findings at all."""
import itertools
import json
import textwrap
import time
from types import SimpleNamespace

import pytest
import yaml

from assess.banks.lint import (Finding, binomial_two_sided, display_references, lint,
                               normalise, shingles)
from assess.banks.loader import find_files, load
from helpers import SHIPPED_BANKS

RUBRIC = """
rubrics:
  - id: why
    title: Why
    criteria:
      - id: reason
        label: Reason
        levels:
          - {points: 0, label: Missing, descriptor: No reason is given.}
          - {points: 1, label: Partial, descriptor: A real but not decisive reason.}
          - {points: 2, label: Full, descriptor: Names the decisive flaw and why it matters.}
"""
GOOD = "The key follows from the facts stated in the prompt, as the worked reasoning shows."


def words(tag, n=14):
    """Text no other item shares (so no near-duplicate findings by accident)."""
    return " ".join(f"{tag}w{j}" for j in range(n))


def bank(slug, items, rubric=True):
    head = f"bank: {slug}\ntitle: {slug.title()}\ndomain: general\n"
    return head + (RUBRIC if rubric else "") + "items:\n" + "".join(items)


STRENGTHS = itertools.cycle((1, 2, 3))  # a mix, so that only the strength test sees strengths


def pairwise(ident, *, gold_first=True, better=300, worse=300, explanation=GOOD,
             justification=None, prompt=None, tag=None, strength=None):
    tag = tag or ident
    strength = strength or next(STRENGTHS)
    texts = {"p": ("x" * better), "q": ("y" * worse)}
    first, second = ("p", "q") if gold_first else ("q", "p")
    body = f"""
  - id: {ident}
    type: pairwise
    prompt: {prompt or words(ident)}
    responses:
      - {{id: {first}, text: "{words(tag + first, 4)} {texts[first]}"}}
      - {{id: {second}, text: "{words(tag + second, 4)} {texts[second]}"}}
    gold: {{choice: p, strength: {strength}}}
    explanation: {json.dumps(explanation)}
"""
    if justification:
        body += f"    justification: {{prompt: {json.dumps(justification)}, rubric: why}}\n"
    return body


def choice(ident, gold_index, n_options=4, explanation=GOOD, shuffle=True):
    options = "".join(f"\n      - {{id: o{k}, text: {words(ident + str(k), 3)}}}"
                      for k in range(n_options))
    return f"""
  - id: {ident}
    type: choice
    prompt: {words(ident)}
    shuffle: {str(shuffle).lower()}
    options:{options}
    gold: [o{gold_index}]
    explanation: {json.dumps(explanation)}
"""


def ranking(ident, top_index, lengths=(200, 200, 200)):
    ids = ["r0", "r1", "r2"]
    top = ids[top_index]
    rest = [i for i in ids if i != top]
    responses = "".join(f"\n      - {{id: {i}, text: {words(ident + i, 3)} {'z' * n}}}"
                        for i, n in zip(ids, lengths))
    return f"""
  - id: {ident}
    type: ranking
    prompt: {words(ident)}
    responses:{responses}
    gold: {{order: [{top}, {rest[0]}, {rest[1]}]}}
    explanation: {GOOD}
"""


def run(tmp_path, *texts):
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"bank{i}.yaml"
        path.write_text(textwrap.dedent(text))
        paths.append(path)
    loaded = load(paths)
    assert loaded.errors == [], [str(e) for e in loaded.errors]
    return lint(loaded)


def rules(findings):
    return [f.rule for f in findings]


# ------------------------------------------------------------------ the maths

def test_two_sided_binomial_matches_hand_computed_values():
    # 10 of 12 at 0.5: P(X >= 10) = (66 + 12 + 1) / 4096, doubled.
    assert binomial_two_sided(10, 12, 0.5) == pytest.approx(158 / 4096)
    assert round(binomial_two_sided(10, 12, 0.5), 4) == 0.0386
    # 9 of 12: (220 + 66 + 12 + 1) / 4096, doubled.
    assert binomial_two_sided(9, 12, 0.5) == pytest.approx(598 / 4096)
    assert round(binomial_two_sided(9, 12, 0.5), 3) == 0.146
    assert binomial_two_sided(2, 12, 0.5) == binomial_two_sided(10, 12, 0.5)
    assert binomial_two_sided(6, 12, 0.5) == pytest.approx(1.0)
    # 0 of 10 at 1/4: P(0) = 3^10/4^10; outcomes no more likely are 6..10 (5 is likelier).
    tail = 210 * 3 ** 4 + 120 * 3 ** 3 + 45 * 3 ** 2 + 10 * 3 + 1
    assert binomial_two_sided(0, 10, 0.25) == pytest.approx((3 ** 10 + tail) / 4 ** 10)
    assert binomial_two_sided(0, 0, 0.5) == 1.0


def test_text_is_normalised_into_five_word_shingles():
    assert normalise("Hello, World! It's") == ["hello", "world", "it", "s"]
    assert shingles(["a", "b", "c"]) == {("a", "b", "c")}
    assert len(shingles(list("abcdefg"))) == 3


# ------------------------------------------------------------------ 1. duplicates

def test_near_duplicates_are_found_within_and_across_banks(tmp_path):
    prompt = ("Which of these two replies better explains how to repot a large houseplant "
              "without damaging its roots in early spring")
    first = bank("one", [pairwise("one-a", prompt=prompt), pairwise("one-b")])
    copied = pairwise("two-a", prompt=prompt.replace("large", "big"), tag="one-a")
    second = bank("two", [copied, pairwise("two-b", prompt="Tell me about " + words("zz"))])
    findings = [f for f in run(tmp_path, first, second) if f.rule == "duplicate"]
    assert len(findings) == 1
    (finding,) = findings
    assert finding.bank == "two" and finding.items == ("two-a", "one-a")
    assert "one/one-a" in finding.message and "bank0.yaml:" in finding.message
    assert "word 5-grams shared" in finding.message


def test_identical_prompts_of_one_type_count_as_duplicates(tmp_path):
    text = bank("one", [pairwise("q1", prompt="Is it safe to eat raw cookie dough"),
                        pairwise("q2", prompt="Is it safe to eat raw cookie dough?"),
                        choice("q3", 1).replace(f"prompt: {words('q3')}",
                                                "prompt: Is it safe to eat raw cookie dough")])
    findings = [f for f in run(tmp_path, text) if f.rule == "duplicate"]
    assert [f.items for f in findings] == [("q2", "q1")]
    assert "same prompt and type (pairwise)" in findings[0].message


def test_three_hundred_items_lint_quickly(tmp_path):
    items = [choice(f"c{i}", i % 4) for i in range(150)] + \
            [pairwise(f"p{i}", gold_first=i % 2 == 0) for i in range(150)]
    text = bank("big", items)
    (tmp_path / "big.yaml").write_text(text)
    loaded = load([tmp_path / "big.yaml"])
    started = time.perf_counter()
    findings = lint(loaded)
    elapsed = time.perf_counter() - started
    assert findings == []
    assert elapsed < 3, f"linting 300 items took {elapsed:.2f}s (budget 1 s, slack for CI)"


# ------------------------------------------------------------------ 2. gold balance

def test_pairwise_gold_listed_first_too_often(tmp_path):
    items = [pairwise(f"pw-{i:02}", gold_first=i < 10) for i in range(12)]
    findings = run(tmp_path, bank("lean", items))
    assert rules(findings) == ["gold-balance"]
    (finding,) = findings
    assert finding.items == tuple(f"pw-{i:02}" for i in range(10))
    assert finding.message.startswith(
        "pairwise: the better response is listed first in 10 of 12 items")
    assert "p=0.039" in finding.message and "pw-00, pw-01" in finding.message
    lines = textwrap.dedent(bank("lean", items)).splitlines()
    assert finding.line == lines.index("  - id: pw-00") + 1  # the first item named


def test_nine_of_twelve_is_not_significant(tmp_path):
    items = [pairwise(f"pw-{i:02}", gold_first=i < 9) for i in range(12)]
    assert run(tmp_path, bank("fine", items)) == []


def test_pairwise_gold_listed_second_too_often(tmp_path):
    items = [pairwise(f"pw-{i}", gold_first=False) for i in range(6)]
    (finding,) = run(tmp_path, bank("lean", items))
    assert "the better response is listed second in 6 of 6 items" in finding.message
    assert "p=0.031" in finding.message


def test_fewer_than_six_items_are_not_tested(tmp_path):
    items = [pairwise(f"pw-{i}") for i in range(5)]
    assert run(tmp_path, bank("small", items)) == []


def test_choice_gold_first_or_last_too_often(tmp_path):
    first = [choice(f"cf-{i}", 0) for i in range(8)]
    last = [choice(f"cl-{i}", 3) for i in range(8)]
    findings = run(tmp_path, bank("firsts", first), bank("lasts", last))
    assert rules(findings) == ["gold-balance"] * 2
    flagged, flagged_last = findings
    # Rate 1/4: P(8 of 8) = 4^-8, and nothing is less likely.
    assert flagged.bank == "firsts" and flagged.message.startswith(
        "choice: the correct option is listed first in 8 of 8 items (expected 2.0; p=0.000)")
    assert flagged.items == tuple(f"cf-{i}" for i in range(8))
    assert flagged_last.bank == "lasts" and flagged_last.message.startswith(
        "choice: the correct option is listed last in 8 of 8 items")


def test_choice_gold_never_first_or_last(tmp_path):
    # 0 of 16 at rate 1/4: 0.75^16 = 0.0100, plus the outcomes 9..16, which are no more
    # likely (P(9) = 0.0058; P(8) = 0.0197 is likelier): p = 0.0100 + 0.0075 = 0.017.
    middles = [choice(f"cm-{i:02}", 1 + i % 2) for i in range(16)]
    first, last = run(tmp_path, bank("middles", middles))
    assert first.message.startswith(
        "choice: the correct option is listed first in only 0 of 16 items (expected 4.0; "
        "p=0.017)")
    assert last.message.startswith("choice: the correct option is listed last in only 0 of 16")
    assert first.items == tuple(f"cm-{i:02}" for i in range(16))


def test_choice_rate_is_the_mean_of_one_over_the_option_count(tmp_path):
    # 6 two-option and 6 four-option items: mean rate (0.5 + 0.25) / 2 = 0.375, so 4.5
    # of 12 first is expected; 7 of 12 first is not significant.
    items = ([choice(f"two-{i}", 0 if i < 4 else 1, n_options=2) for i in range(6)]
             + [choice(f"four-{i}", 0 if i < 3 else 1 + i % 3) for i in range(6)])
    assert run(tmp_path, bank("mixed", items)) == []


def test_ranking_top_listed_first_too_often(tmp_path):
    items = [ranking(f"rk-{i}", 0) for i in range(6)]
    (finding,) = run(tmp_path, bank("ranks", items))
    assert finding.rule == "gold-balance"
    assert finding.message.startswith(
        "ranking: a top-ranked response is listed first in 6 of 6 items (expected 2.0;")
    rotated = [ranking(f"rk-{i}", i % 3) for i in range(6)]
    assert run(tmp_path, bank("ranks", rotated)) == []


# ------------------------------------------------------------------ 3. length bias

def test_longer_answer_always_preferred(tmp_path):
    items = [pairwise(f"pw-{i}", gold_first=i % 2 == 0, better=400, worse=200)
             for i in range(8)]
    (finding,) = run(tmp_path, bank("long", items))
    assert finding.rule == "length-bias"
    assert "preferred response is the longer one in 8 of 8 items" in finding.message
    assert "p=0.008" in finding.message and finding.items[0] == "pw-0"


def test_shorter_answer_always_preferred_counts_ranking_too(tmp_path):
    items = ([pairwise(f"pw-{i}", gold_first=i % 2 == 0, better=150, worse=300)
              for i in range(4)]
             + [ranking(f"rk-{i}", i % 3, lengths=(100, 100, 100)) for i in range(3)])
    # Ranking responses all of one length are ties: 4 pairs only, below the minimum.
    assert run(tmp_path, bank("short", items)) == []
    items += [ranking(f"rl-{i}", 0, lengths=(100, 250, 300)) for i in range(1)]
    items += [ranking(f"rm-{i}", 1, lengths=(250, 100, 300)) for i in range(1)]
    (finding,) = run(tmp_path, bank("short", items))
    assert "the shorter one in 6 of 6 items" in finding.message
    assert finding.items == ("pw-0", "pw-1", "pw-2", "pw-3", "rl-0", "rm-0")


def test_length_ties_are_left_out(tmp_path):
    items = [pairwise(f"pw-{i}", gold_first=i % 2 == 0, better=310, worse=300)
             for i in range(10)]
    assert run(tmp_path, bank("close", items)) == []


# ------------------------------------------------------------------ 4. explanations

def test_short_explanations_are_flagged_at_their_line(tmp_path):
    text = bank("thin", [choice("c1", 0, explanation="**It is** _b_."),
                         choice("c2", 1)])
    (finding,) = run(tmp_path, text)
    assert finding.rule == "explanation" and finding.items == ("c1",)
    assert "explanation has 8 characters of text" in finding.message
    lines = textwrap.dedent(text).splitlines()
    assert lines[finding.line - 1].strip().startswith("explanation:")
    assert str(finding) == f"{finding.file}:{finding.line}: thin/c1: {finding.message}"


@pytest.mark.parametrize("explanation", [
    "Response A is right because it keeps the order of the list intact.",
    "Clearly B is much better: it keeps the order of the list intact as asked.",
    "The correct one is (A), since it keeps the order of the list intact.",
    "A's answer keeps the order of the list intact, which is what was asked.",
    "The first response keeps the order of the list intact, which was asked.",
    "Option B keeps the order of the list intact, which is what was asked for.",
    "- **p** keeps the order of the list intact.\n- **q** loses the order.",
])
def test_explanations_naming_shuffled_responses_are_flagged(tmp_path, explanation):
    items = [pairwise("pw-1", explanation=explanation), pairwise("pw-2", gold_first=False)]
    (finding,) = run(tmp_path, bank("letters", items))
    assert finding.items == ("pw-1",)
    assert "explanation names responses by display letter, position or id" in finding.message


def test_justification_prompts_are_checked_too(tmp_path):
    items = [pairwise("pw-1", justification="Why is the second response worse than the other?")]
    (finding,) = run(tmp_path, bank("letters", items))
    assert "justification prompt names responses" in finding.message
    assert "'second response'" in finding.message


def test_ordinary_prose_is_not_mistaken_for_letters(tmp_path):
    prose = ("A response that keeps the order is right; a set loses it. Plan B is worse "
             "in a real sense, vitamin C is irrelevant, and Bank B's rate is a distraction.")
    items = [pairwise("pw-1", explanation=prose), pairwise("pw-2", gold_first=False),
             choice("c1", 1, explanation="Option B, the second option, is the one that adds "
                                         "interest on interest.", shuffle=False)]
    assert run(tmp_path, bank("prose", items)) == []


def test_display_references_on_their_own():
    assert display_references("So A is better, and B's point is wrong.", ["A", "B"]) == [
        "A is better", "B's"]
    assert display_references("- **a — help.** Fine.\n- **A villain** is fine.", ["a", "b"]) \
        == ["**a**"]
    assert display_references("This is a response a user would like.", ["a", "b"]) == []
    assert display_references("**r1 is best:** clear.", ["r1", "r2"]) == ["r1 is best"]


# ------------------------------------------------------------------ 5. rubrics

def test_rubric_levels_need_distinct_labels_and_descriptors(tmp_path):
    text = bank("rubric", [choice("c1", 0)], rubric=False) .replace("items:", """rubrics:
  - id: why
    title: Why
    criteria:
      - id: reason
        label: Reason
        levels:
          - {points: 0, label: Weak, descriptor: Same words.}
          - {points: 1, label: weak, descriptor: Same  words.}
items:""")
    findings = run(tmp_path, text)
    assert [f.message for f in findings] == [
        "criterion 'reason': levels share a label: 'weak'",
        "criterion 'reason': levels share a descriptor: 'same words.'"]
    assert findings[0].items == ("rubric:why",) and findings[0].line == 8


def test_rubric_points_and_level_count_on_content_the_loader_never_passes():
    rubric = {"id": "r", "criteria": [
        {"id": "flat", "levels": [{"points": 1, "label": "A", "descriptor": "x"},
                                  {"points": 1, "label": "B", "descriptor": "y"}]},
        {"id": "one", "levels": [{"points": 0, "label": "", "descriptor": "z"}]}]}
    content = SimpleNamespace(banks=[SimpleNamespace(file="nowhere.yaml", slug="b", items=[],
                                                     rubrics=[rubric])])
    assert [f.message for f in lint(content)] == [
        "criterion 'flat': level points must strictly increase in the order listed, got 1, 1",
        "criterion 'one': has 1 level(s); a criterion needs at least 2",
        "criterion 'one': a level has an empty label"]


# ------------------------------------------------------------------ a clean bank

def test_a_well_made_bank_has_no_findings(tmp_path):
    items = ([pairwise(f"pw-{i}", gold_first=i % 2 == 0, better=200 + 150 * (i % 2),
                       worse=350 - 150 * (i % 2)) for i in range(8)]
             + [choice(f"ch-{i}", i % 4) for i in range(8)]
             + [ranking(f"rk-{i}", i % 3, lengths=(200, 300, 400)[i % 3:] + (200, 300)[:i % 3])
                for i in range(6)])
    assert run(tmp_path, bank("clean", items)) == []


def test_finding_prints_like_a_loader_error():
    finding = Finding("duplicate", "b.yaml", 12, "bank", ("q1", "q2"), "near-duplicate")
    assert str(finding) == "b.yaml:12: bank/q1: near-duplicate"


# ------------------------------------------------------------------ the shipped banks

SHIPPED = [p for p in find_files([SHIPPED_BANKS])
           if "bank" in (yaml.safe_load(p.read_text(encoding="utf-8")) or {})]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_bank_lints_clean(path):
    """A failure here means a bank in question_banks/ has lint findings (not a linter bug,
    unless the finding is wrong): fix the bank, or run
    `flask --app assess banks validate question_banks/<file>` to see them."""
    loaded = load([path])
    assert loaded.errors == [], [str(e) for e in loaded.errors]
    findings = lint(loaded)
    assert findings == [], (
        f"{path.name} has {len(findings)} lint finding(s); fix the bank:\n"
        + "\n".join(f"lint: {f}" for f in findings))


# ------------------------------------------------------------------ strength balance

def test_one_strength_keying_most_pairwise_items_is_flagged(tmp_path):
    items = [pairwise(f"s{k}", gold_first=k % 2 == 0, strength=3) for k in range(5)]
    items += [pairwise("s5", gold_first=False, strength=2), pairwise("s6", strength=1)]
    found = [f for f in run(tmp_path, bank("strong", items))
             if f.rule == "strength-balance"]
    assert len(found) == 1
    assert "“much better” is the key of 5 of 7 items" in found[0].message
    assert found[0].items == ("s0", "s1", "s2", "s3", "s4")


def test_a_mix_of_strengths_passes(tmp_path):
    items = [pairwise(f"m{k}", gold_first=k % 2 == 0, strength=(3, 3, 3, 2, 2, 1, 1)[k])
             for k in range(7)]
    assert not [f for f in run(tmp_path, bank("mixed", items))
                if f.rule == "strength-balance"]
