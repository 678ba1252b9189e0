"""A credential past the shape bounds is refused as malformed before any canonicalisation."""
from __future__ import annotations

import json

import pytest
from helpers import FIXED_NOW, SHARED_DATA

from assess.credentials import bounds, dataintegrity, documents, verify

SAMPLES = SHARED_DATA / "openbadges3" / "validator-samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(),
                                reason=f"Open Badges samples not found at {SAMPLES}")
OURS = verify.Issuer("https://assess.example/issuer", {})
EVIDENCE = {"id": "https://example.org/evidence/1", "type": ["Evidence"], "name": "Work"}


def _genuine() -> dict:
    return json.loads((SAMPLES / "simple.json").read_text())


def _verify(document) -> verify.Verdict:
    return verify.verify(json.dumps(document), FIXED_NOW, OURS, lambda _id: None,
                         documents.document_loader({}))


@pytest.fixture
def no_canonicalising(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("canonicalised a credential past the bounds")
    monkeypatch.setattr(dataintegrity, "canonical", refuse)


def test_the_genuine_credential_is_within_the_bounds():
    assert bounds.problem(_genuine()) is None
    assert _verify(_genuine()).status == "valid"


@pytest.mark.parametrize("count", [3_000, 6_000])
def test_padded_evidence_is_refused_before_canonicalisation(no_canonicalising, count):
    padded = _genuine()
    padded["evidence"] = [dict(EVIDENCE, id=f"https://example.org/evidence/{n}")
                          for n in range(count)]
    verdict = _verify(padded)
    assert verdict.status == "malformed"
    assert "evidence" in verdict.reason and str(bounds.MAX_EVIDENCE) in verdict.reason


@pytest.mark.parametrize("shape, named", [
    (lambda doc: doc.update(name="x" * (bounds.MAX_STRING + 1)), "name"),
    (lambda doc: doc.update(tags=list(range(bounds.MAX_ARRAY + 1))), "tags"),
    (lambda doc: doc.update(deep=_nested(bounds.MAX_DEPTH + 1)), "nested"),
    (lambda doc: doc.update(many=[{"k": list(range(150))} for _ in range(40)]),
     str(bounds.MAX_NODES)),
])
def test_each_bound_is_named(no_canonicalising, shape, named):
    padded = _genuine()
    shape(padded)
    verdict = _verify(padded)
    assert verdict.status == "malformed"
    assert named in verdict.reason


def _nested(levels: int):
    value: object = "bottom"
    for _ in range(levels):
        value = {"inner": value}
    return value
