"""Bank linting: each rule catches its problem, with file, line and items named, and a
well-made bank produces no findings at all."""
import itertools
import json
import textwrap
import time
from types import SimpleNamespace

import pytest
import yaml
from helpers import SHIPPED_BANKS

from assess.banks.lint import (
    Finding,
    binomial_two_sided,
    blueprint_shortcuts,
    display_references,
    lint,
    normalise,
    order_key,
    ordered,
    shingles,
    shortcut_lines,
)
from assess.banks.loader import find_files, load

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
    # (Its word options are not in a natural order: that is the unshuffled-choice rule's.)
    assert [f for f in run(tmp_path, bank("prose", items)) if f.rule == "explanation"] == []


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


# ------------------------------------------------------------------ 7. choice key length

def sized_choice(ident, lengths, gold_index, multiple=False, shuffle=True):
    """Options whose stripped texts are exactly ``lengths`` characters long."""
    texts = []
    for k, n in enumerate(lengths):
        head = f"{ident}o{k}"
        texts.append((head + " " + "x" * n)[:n] if n > len(head) + 1 else head[:n])
    options = "".join(f"\n      - {{id: o{k}, text: \"{t}\"}}" for k, t in enumerate(texts))
    gold = [f"o{k}" for k in range(len(lengths))][:2] if multiple else [f"o{gold_index}"]
    return f"""
  - id: {ident}
    type: choice
    prompt: {words(ident)}
    multiple: {str(multiple).lower()}
    shuffle: {str(shuffle).lower()}
    options:{options}
    gold: {json.dumps(gold)}
    explanation: {GOOD}
"""


def test_choice_key_strictly_longest_too_often(tmp_path):
    items = [sized_choice(f"cl-{i}", (20, 30, 40, 50)[i % 4:] + (20, 30, 40, 50)[:i % 4],
                          (3 - i % 4) % 4) for i in range(4)]
    (finding,) = run(tmp_path, bank("long", items))
    assert finding.rule == "choice-length"
    assert finding.message.startswith(
        "choice: the correct option is the strictly longest one in 4 of 4 items (100%; chance "
        "25%, expected 1.0; p=0.004), so picking the longest option pays")
    assert finding.items == ("cl-0", "cl-1", "cl-2", "cl-3")


def test_choice_key_strictly_shortest_is_tested_separately(tmp_path):
    items = [sized_choice(f"cs-{i}", (20, 30, 40, 50), 0) for i in range(3)]
    findings = [f for f in run(tmp_path, bank("short", items)) if f.rule == "choice-length"]
    assert [f.message.split(",")[0] for f in findings] == [
        "choice: the correct option is the strictly shortest one in 3 of 3 items (100%; chance "
        "25%"]
    assert "p=0.016" in findings[0].message


def test_choice_length_ties_and_balanced_keys_pass(tmp_path):
    # The key ties for longest (and for shortest): never a hit, and no strict hits at all.
    tied = [sized_choice(f"ct-{i}", (50, 50, 20, 20), i % 2) for i in range(4)]
    # The key is the longest once in four: as chance has it.
    rotated = [sized_choice(f"cr-{i}", (20, 30, 40, 50), i) for i in range(4)]
    multiple = [sized_choice(f"cm-{i}", (20, 30, 40, 50), 3, multiple=True) for i in range(4)]
    assert [f for f in run(tmp_path, bank("fine", tied + rotated + multiple))
            if f.rule == "choice-length"] == []


def test_two_of_two_longest_is_not_enough(tmp_path):
    items = [sized_choice(f"c2-{i}", (20, 30, 40, 50), 3) for i in range(2)]
    assert run(tmp_path, bank("few", items)) == []


# ------------------------------------------------------------------ 8. unshuffled choice

def fixed_choice(ident, texts, gold_index=0):
    options = "".join(f"\n      - {{id: o{k}, text: {json.dumps(t)}}}" for k, t in enumerate(texts))
    return f"""
  - id: {ident}
    type: choice
    prompt: {words(ident)}
    shuffle: false
    options:{options}
    gold: [o{gold_index}]
    explanation: {GOOD}
"""


@pytest.mark.parametrize("texts", [
    ["$1,050.00", "$1,100.00", "$1,102.50", "$1,157.63"],
    ["6.50%", "6.18%", "6.00%"],
    ["Two years", "Four years", "Six years", "Ten years"],
    ["1 March 2024", "15 March 2024", "2 April 2024"],
    ["2023-12-31", "2024-01-01", "2024-06-30"],
    ["Never", "Sometimes", "Often", "Always"],
    ["1/4", "1/2", "3/4"],
    ["the first dose", "the second dose", "the third dose"],
])
def test_unshuffled_options_in_a_natural_order_pass(tmp_path, texts):
    assert run(tmp_path, bank("ordered", [fixed_choice("fx-1", texts)])) == []


@pytest.mark.parametrize("texts", [
    ["4 g, the adult maximum", "6 g, above it", "8 g, twice it", "2 g, well within it"],
    ["Yes", "No"],
    ["Refuse the request", "Answer it with a warning", "Answer it plainly"],
    ["3 apples", "Never", "5 apples"],
    ["5 mg", "5 mg", "5 mg"],
])
def test_unshuffled_options_in_no_natural_order_are_flagged(tmp_path, texts):
    text = bank("fixed", [fixed_choice("fx-1", texts, gold_index=1)])
    (finding,) = [f for f in run(tmp_path, text) if f.rule == "unshuffled-choice"]
    assert finding.items == ("fx-1",)
    assert f"the {len(texts)} options are not in a natural order" in finding.message
    assert f"(position 2 of {len(texts)})" in finding.message
    lines = textwrap.dedent(text).splitlines()
    assert lines[finding.line - 1].strip() == "shuffle: false"


def test_order_keys():
    assert order_key("**$1,102.50** after two years") == ("number", 1102.5)
    assert order_key("About 39 mg/dL") == ("number", 39.0)
    assert order_key("March 2024") == ("date", (2024, 3, 0))
    assert order_key("Twelve weeks") == ("number", 12.0)
    assert order_key("It depends") is None
    assert ordered(["1", "2", "2", "3"]) and ordered(["c: 3", "b: 2", "a: 1"])
    assert not ordered(["1", "3", "2"]) and not ordered(["7", "7"]) and not ordered(["1"])


# ------------------------------------------------------------------ 9-12. constant answers

def rubric_item(ident, golds, scale=(1, 5)):
    dims = "".join(f"\n      - {{id: d{k}, label: Dimension {k}, min: {scale[0]}, max: {scale[1]}}}"
                   for k in range(len(golds)))
    gold = ", ".join(f"d{k}: {g}" for k, g in enumerate(golds))
    return f"""
  - id: {ident}
    type: rubric
    prompt: {words(ident)}
    response: {words(ident + 'r')}
    dimensions:{dims}
    gold: {{{gold}}}
    explanation: {GOOD}
"""


def labels_item(ident, gold, n=4):
    options = "".join(f"\n      - {{id: l{k}, text: Label {k}}}" for k in range(n))
    return f"""
  - id: {ident}
    type: labels
    prompt: {words(ident)}
    response: {words(ident + 'r')}
    options:{options}
    gold: {json.dumps(gold)}
    explanation: {GOOD}
"""


def factcheck_item(ident, golds):
    claims = [f"Claim {ident} {k}." for k in range(len(golds))]
    listed = "".join(f"\n      - {{id: c{k}, text: {json.dumps(c)}}}" for k, c in enumerate(claims))
    gold = ", ".join(f'c{k}: "{g}"' for k, g in enumerate(golds))
    return f"""
  - id: {ident}
    type: factcheck
    prompt: {words(ident)}
    response: {json.dumps(words(ident + 'r') + ' ' + ' '.join(claims))}
    claims:{listed}
    gold: {{{gold}}}
    correction_rubric: why
    explanation: {GOOD}
"""


def test_rubric_gold_levels_in_the_middle_are_flagged(tmp_path):
    items = [rubric_item(f"ru-{i}", (3, 3)) for i in range(3)]
    (finding,) = run(tmp_path, bank("middling", items))
    assert finding.rule == "rubric-balance" and finding.items == ("ru-0", "ru-1", "ru-2")
    # Always 3 is exact everywhere; a random score of 1-5 earns 1/5 + 2/5 x 0.5 = 0.40.
    assert ("scoring every dimension at the middle of its scale ('middle') earns 1.00 of the "
            "keyed credit across its 3 items, chance 0.40 (+0.60, more than 0.10)"
            in finding.message)


def test_rubric_gold_levels_spread_over_the_scale_pass(tmp_path):
    # Golds 1..5: the best constant (2 or 3) earns 0.40 against chance 0.36.
    items = [rubric_item(f"rs-{g}", (g,)) for g in range(1, 6)]
    assert run(tmp_path, bank("spread", items)) == []
    # Two items are too few to call a pattern.
    assert run(tmp_path, bank("two", [rubric_item(f"rt-{i}", (5, 5)) for i in range(2)])) == []


def test_rubric_top_heavy_keys_name_the_top_level(tmp_path):
    items = [rubric_item(f"rh-{i}", (5, 4)) for i in range(3)] + [rubric_item("rh-3", (2, 1))]
    (finding,) = run(tmp_path, bank("top", items))
    assert "at the top of its scale ('top')" in finding.message
    assert finding.items == ("rh-0", "rh-1", "rh-2")  # rh-3 earns nothing from "top"


def test_too_many_empty_label_sets_are_flagged(tmp_path):
    items = [labels_item(f"lb-{i}", [] if i < 2 else [f"l{i}"]) for i in range(4)]
    (finding,) = run(tmp_path, bank("empty", items))
    assert finding.rule == "labels-none" and finding.items == ("lb-0", "lb-1")
    assert finding.message.startswith(
        "labels: 2 of 4 items (50%) have an empty gold set (at most 25%), so ticking nothing "
        "earns 0.50 of the keyed credit, chance ")
    one_in_four = [labels_item(f"lc-{i}", [] if i < 1 else [f"l{i}"]) for i in range(4)]
    assert run(tmp_path, bank("some", one_in_four)) == []


def test_select_all_paying_is_flagged(tmp_path):
    items = [labels_item(f"la-{i}", ["l0", "l1", "l2"]) for i in range(3)]
    (finding,) = run(tmp_path, bank("everything", items))
    assert finding.rule == "labels-all" and finding.items == ("la-0", "la-1", "la-2")
    assert finding.message.startswith("labels: ticking every label earns 0.75 of the keyed "
                                      "credit across its 3 items, chance ")


def test_one_fact_check_label_keying_most_claims_is_flagged(tmp_path):
    items = [factcheck_item(f"fc-{i}", ["supported", "supported", "false"]) for i in range(3)]
    (finding,) = run(tmp_path, bank("supported", items))
    assert finding.rule == "factcheck-constant"
    assert ("labelling every claim “supported” earns 0.67 of the claim credit across its 3 "
            "items, chance 0.33 (+0.33, more than 0.10)" in finding.message)
    balanced = [factcheck_item(f"fb-{i}", ["supported", "unsupported", "false"])
                for i in range(3)]
    assert run(tmp_path, bank("balanced", balanced)) == []


# ------------------------------------------------------------------ 13. blueprints

def blueprint(slug, sections):
    listed = "".join(f"\n  - {{id: {sid}, draw: {draw}, from: {{banks: [{bank_slug}], "
                     f"items: [{', '.join(ids)}]}}}}" for sid, draw, bank_slug, ids in sections)
    return f"""assessment: {slug}
title: {slug.title()}
domain: general
mode: practice
instructions: Go.
sections:{listed}
"""


def test_a_blueprint_whose_pool_pays_the_longest_option_is_flagged(tmp_path):
    items = [sized_choice(f"bl-{i}", (20, 30, 40, 50), 3) for i in range(2)]
    text = bank("mcq", items)
    plan = blueprint("quiz", [("guidelines", 1, "mcq", ["bl-0", "bl-1"])])
    findings = run(tmp_path, text, plan)
    (finding,) = [f for f in findings if f.rule == "blueprint-shortcut"]
    assert finding.file.endswith("bank1.yaml") and finding.bank == "quiz"
    assert finding.items == ("section:guidelines", "mcq/bl-0", "mcq/bl-1")
    assert finding.line == 7  # the section's line in the blueprint
    assert finding.message == (
        "choice: 'longest' earns 1.00 of the keyed credit in the draw-weighted pool of "
        "section(s) guidelines, chance 0.25 (+0.75, more than 0.15): mcq/bl-0, mcq/bl-1")


def test_blueprint_pools_are_weighted_by_the_chance_of_a_draw(tmp_path):
    rotated = [sized_choice(f"bw-{i}", (20, 30, 40, 50), i) for i in range(4)]
    leaky = [sized_choice("bw-x", (20, 30, 40, 50), 3)]
    plan = blueprint("mixed", [("fair", 1, "pool", [f"bw-{i}" for i in range(4)]),
                               ("leaky", 1, "pool", ["bw-x"])])
    for i, text in enumerate([bank("pool", rotated + leaky), plan]):
        (tmp_path / f"f{i}.yaml").write_text(textwrap.dedent(text))
    loaded = load([tmp_path])
    assert loaded.errors == []
    (report,) = blueprint_shortcuts(loaded.assessments, loaded.banks)
    (row,) = report.rows
    # fair: 4 items at 1/4 each, longest right on one; leaky: 1 item drawn for sure, right.
    # (1/4 x 1 + 1 x 1) / (4 x 1/4 + 1) = 0.625.
    assert (row.type, row.strategy, row.credit, row.chance) == ("choice", "longest", 0.625, 0.25)
    assert row.sections == ("fair", "leaky") and row.items[0] == "pool/bw-x"
    assert row.flagged
    lines = shortcut_lines(loaded)
    assert lines[1] == ("  mixed: choice — 'longest' earns 0.62 of the keyed credit, chance "
                        "0.25 (+0.38: lint)")


def test_a_balanced_blueprint_has_a_table_but_no_finding(tmp_path):
    rotated = [sized_choice(f"bb-{i}", (20, 30, 40, 50), i) for i in range(4)]
    pairs = [pairwise(f"bp-{i}", gold_first=i % 2 == 0, better=200 + 150 * (i % 2),
                      worse=350 - 150 * (i % 2)) for i in range(4)]
    plan = blueprint("fair", [("mcq", 2, "even", [f"bb-{i}" for i in range(4)]),
                              ("pairs", 2, "even", [f"bp-{i}" for i in range(4)])])
    assert [f for f in run(tmp_path, bank("even", rotated + pairs), plan)
            if f.rule == "blueprint-shortcut"] == []
    loaded = load([tmp_path / "bank0.yaml", tmp_path / "bank1.yaml"])
    lines = shortcut_lines(loaded)
    assert lines[0].startswith("Shortcuts: the best answer given without reading")
    assert [line.split(" — ")[0] for line in lines[1:]] == ["  fair: choice", "  fair: pairwise"]
    assert not any("lint" in line for line in lines[1:])


def test_blueprints_whose_banks_are_not_at_hand_get_a_note():
    spec = SimpleNamespace(slug="elsewhere", file="x.yaml", definition={
        "sections": [{"id": "s", "draw": 1, "from": {"banks": ["gone"]}}]})
    (report,) = blueprint_shortcuts([spec], [])
    assert report.rows == () and "gone" in report.problem
    lines = shortcut_lines(SimpleNamespace(banks=[], assessments=[spec]))
    assert lines[1].startswith("  note: elsewhere: shortcuts not computed: ")
    assert shortcut_lines(SimpleNamespace(banks=[])) == []
