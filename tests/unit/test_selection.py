import pytest

from assess.core.selection import Candidate, NotEnoughItems, SectionSpec, draw, matches

ITEMS = [Candidate(key=i, bank="b", slug=f"i{i:02}", type="pairwise" if i % 2 else "choice",
                   skills=("judgment",) if i < 5 else ("safety",)) for i in range(10)]


def test_matches_needs_every_filter():
    item = ITEMS[1]
    assert matches({"banks": ["b"]}, item)
    assert not matches({"banks": ["other"]}, item)
    assert matches({"banks": ["b"], "types": ["pairwise"], "skills": ["judgment", "x"]}, item)
    assert not matches({"banks": ["b"], "types": ["choice"]}, item)
    assert not matches({"banks": ["b"], "items": ["i02"]}, item)


def test_draw_is_reproducible_and_never_repeats():
    sections = [SectionSpec("one", 3, {"banks": ["b"], "types": ["pairwise"]}),
                SectionSpec("two", 5, {"banks": ["b"]})]
    first = draw(sections, ITEMS, seed=42, shuffle_items=True)
    assert first == draw(sections, ITEMS, seed=42, shuffle_items=True)
    keys = [d.candidate.key for d in first]
    assert len(keys) == len(set(keys)) == 8
    assert all(d.candidate.type == "pairwise" for d in first[:3])
    seeds = {tuple(d.candidate.key for d in draw(sections, ITEMS, seed=s, shuffle_items=True))
             for s in range(20)}
    assert len(seeds) > 1


def test_draw_refuses_a_section_it_cannot_fill():
    with pytest.raises(NotEnoughItems, match="needs 6 items but only 5"):
        draw([SectionSpec("s", 6, {"banks": ["b"], "types": ["choice"]})], ITEMS, seed=1,
             shuffle_items=False)
