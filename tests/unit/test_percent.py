"""One rounding rule for every score shown or signed: at most one decimal, rounded down, so a
displayed score never crosses a tier threshold it missed; the credential states the same."""
from __future__ import annotations

import pytest
from credential_support import PROFILE, award

from assess.core.scoring import percent, percent_number
from assess.credentials import credential


@pytest.mark.parametrize("share, shown", [
    (0.8499, "84.9%"), (0.849999, "84.9%"), (0.85, "85%"), (11 / 21, "52.3%"),
    (6 / 7, "85.7%"), (0.7, "70%"), (1.0, "100%"), (0.0, "0%"), (0.575, "57.5%"),
    (0.52381, "52.3%"),
])
def test_percent_floors_to_a_tenth(share, shown):
    assert percent(share) == shown
    assert percent_number(share) == shown[:-1]


def test_the_credential_states_scores_by_the_same_rule():
    """Before: ``.1f`` rounding signed 52.4 beside a page showing 52.3, and 85 for 84.99."""
    built = credential.build(PROFILE, award(
        score=11 / 21, required_score=0.6,
        skills=(credential.SkillResult("judgment", "Judgment", 0.84999, 0.85),)))
    values = [r["value"] for r in built["credentialSubject"]["result"]]
    required = [d.get("requiredValue")
                for d in built["credentialSubject"]["achievement"]["resultDescription"]]
    assert values == [percent_number(11 / 21), percent_number(0.84999)] == ["52.3", "84.9"]
    assert required == ["60", "85"]
