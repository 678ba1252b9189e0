"""Banks at scale: statistics that do not overflow, a near-duplicate search that compares only
candidate pairs, and a fast YAML path that keeps the located error messages exact."""
import math
import random
import textwrap
from itertools import combinations
from types import SimpleNamespace

import pytest
import yaml
from helpers import BANKS, SHIPPED_BANKS

from assess.banks import located_yaml
from assess.banks.lint import binomial_pmf, binomial_two_sided, lint
from assess.banks.lint.duplicates import similar_pairs
from assess.banks.loader import find_files, load


def exact_two_sided(k: int, n: int, top: int, bottom: int) -> float:
    """binom.test's p-value at p = top/bottom in integers: each outcome's weight is
    comb(n, i) * top^i * (bottom - top)^(n - i), over bottom^n."""
    weights, power = [0] * (n + 1), 1
    for i in range(n, -1, -1):  # (bottom - top)^(n - i), built up from i = n
        weights[i] = math.comb(n, i) * top ** i * power
        power *= bottom - top
    observed = weights[k] * (10 ** 7 + 1)
    kept = sum(w for w in weights if w * 10 ** 7 <= observed)
    return kept / bottom ** n


@pytest.mark.parametrize("k, top, bottom", [(2600, 1, 2), (2450, 1, 2), (1180, 1, 4),
                                            (1300, 1, 4), (1610, 1, 3)])
def test_binomial_test_at_five_thousand_matches_the_exact_value(k, top, bottom):
    n = 5000
    with pytest.raises(OverflowError):  # what the float formula did
        math.comb(n, n // 2) * 0.5
    assert binomial_two_sided(k, n, top / bottom) == pytest.approx(
        exact_two_sided(k, n, top, bottom), rel=1e-9)
    assert binomial_pmf(n // 2, n, 0.5) == pytest.approx(math.comb(n, n // 2) / 2 ** n, rel=1e-9)


def test_small_samples_keep_their_float_values():
    assert binomial_two_sided(10, 12, 0.5) == sum(
        math.comb(12, i) * 0.5 ** i * 0.5 ** (12 - i) for i in (0, 1, 2, 10, 11, 12))
    assert binomial_two_sided(1, 2, 0.25) == 0.4375


def _pairwise(i: int, gold_first: bool) -> dict:
    return {"id": f"p{i}", "type": "pairwise", "prompt": f"Question number {i} about topic {i}",
            "responses": [{"id": "A", "text": f"Answer one to {i}"},
                          {"id": "B", "text": f"Answer two to {i}"}],
            "gold": {"choice": "A" if gold_first else "B", "strength": 1}}


def test_a_bank_with_thousands_of_one_type_lints_without_overflow():
    items = [_pairwise(i, i % 5 < 3) for i in range(2000)]  # gold first 60% of the time
    bank = SimpleNamespace(file="nowhere.yaml", slug="big", items=items, rubrics=[])
    findings = [f for f in lint(SimpleNamespace(banks=[bank])) if f.rule == "gold-balance"]
    assert len(findings) == 1
    assert "1200 of 2000" in findings[0].message and "p=0.000" in findings[0].message


def test_similar_pairs_are_exactly_those_of_comparing_every_pair():
    rng = random.Random(7)
    for _ in range(400):
        vocab = rng.randint(3, 200)
        sets = [set(rng.sample(range(vocab), rng.randint(0, min(vocab, 20))))
                for _ in range(rng.randint(2, 30))]
        for _ in range(6):  # near copies
            copy = set(rng.choice(sets))
            for _ in range(rng.randint(0, 2)):
                copy.discard(rng.choice(sorted(copy))) if copy else None
            copy.add(rng.randint(0, vocab))
            sets.append(copy)
        threshold = rng.choice([0.3, 0.5, 0.6, 0.9, 1.0])
        brute = {}
        for i, j in combinations(range(len(sets)), 2):
            common = len(sets[i] & sets[j])
            if common and common / len(sets[i] | sets[j]) >= threshold:
                brute[(i, j)] = common / (len(sets[i]) + len(sets[j]) - common)
        assert similar_pairs(sets, threshold) == brute


def test_a_phrase_every_item_shares_makes_no_candidate_pairs():
    shared = [("every", "item", "says", "this", str(k)) for k in range(10)]
    sets = [set(shared) | {(f"own{i}", str(k)) for k in range(40)} for i in range(3000)]
    assert similar_pairs(sets, 0.6) == {}


def _same(a, lines_a, b, lines_b):
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert list(a) == list(b) and lines_a[id(a)] == lines_b[id(b)]
        for key in a:
            _same(a[key], lines_a, b[key], lines_b)
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, lines_a, y, lines_b)
    else:
        assert a == b


def test_the_fast_parser_gives_the_pure_loaders_data_and_lines():
    assert yaml.__with_libyaml__
    for path in find_files([SHIPPED_BANKS, BANKS]):
        text = path.read_text(encoding="utf-8")
        slow = located_yaml.LineLoader(text)
        data = slow.get_single_data()
        fast, lines, _ = located_yaml.fast_parse(text)
        _same(data, slow.lines, fast, lines)


@pytest.mark.parametrize("text", [
    "a: 1\nb: 1.5\nc: yes\nd: ~\ne: 2024-01-01\nf: '1'\ng: |\n  x\nh: 0x1f\ni: .inf\nk:\n",
    "a: &x [1, {b: 2}]\nc: *x\n", "x: !!str 1\n", "a: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",
    "", "a: b\n---\nc: d\n", "? [1]\n: 2\n", "a: \"b\n", "k: =\n", "a: [1\n"])
def test_parse_is_safe_load(text):
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        with pytest.raises(yaml.YAMLError) as caught:
            located_yaml.parse(text)
        assert str(caught.value) == str(exc)
    else:
        assert located_yaml.parse(text)[0] == expected


BROKEN = textwrap.dedent("""
    bank: tiny
    title: Tiny bank
    domain: general
    items:
      - id: q1
        type: choice
        prompt: What is 2 + 2?
        options: [{id: a, text: "4"}, {id: b, text: "5"}]
        gold: [c]
      - id: q2
        type: essay
        prompt: Say hi.
      - id: q3
        type: pairwise
        prompt: Say hi.
        responses: [{id: A, text: Hi!}, {id: B, text: Go away.}]
        gold: {choice: C}
""")


def test_located_errors_are_exactly_those_of_the_pure_loader(tmp_path, monkeypatch):
    path = tmp_path / "bank.yaml"
    path.write_text(BROKEN)
    fast = [str(e) for e in load([path]).errors]
    monkeypatch.setattr(located_yaml, "_CLoader", None)  # the pure-Python loader only
    assert fast == [str(e) for e in load([path]).errors]
    assert fast == [
        f"{path}:6: item 'q1': field 'explanation': is required: expected a non-empty string",
        f"{path}:6: item 'q1': field 'gold[0]': unknown option id string 'c'; expected one of "
        f"a, b",
        f"{path}:11: item 'q2': field 'type': unknown item type 'essay'; known types: choice, "
        f"factcheck, labels, pairwise, ranking, rewrite, rubric, span",
        f"{path}:14: item 'q3': field 'explanation': is required: expected a non-empty string",
        f"{path}:14: item 'q3': field 'gold.choice': expected one of 'A', 'B', got string 'C'"]


def test_yaml_errors_keep_the_pure_loaders_message_and_line(tmp_path, monkeypatch):
    path = tmp_path / "bank.yaml"
    path.write_text("bank: x\nitems:\n  - id: q1\n    prompt: [unclosed\n")
    [fast] = load([path]).errors
    monkeypatch.setattr(located_yaml, "_CLoader", None)
    [slow] = load([path]).errors
    assert str(fast) == str(slow) and fast.line == slow.line == 5
