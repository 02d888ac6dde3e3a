"""Control characters never reach the database (PostgreSQL refuses NUL in text and jsonb)."""

from __future__ import annotations

from govtrust.core.text import plain, plain_data
from govtrust.screening.engine import Candidate


def test_control_characters_are_removed_and_line_breaks_kept() -> None:
    assert plain("王\x00伟\x1b\x7f") == "王伟"
    assert plain("第一行\n第二行\t完") == "第一行\n第二行\t完"
    assert plain_data({"ti\x00tle": ["a\x00", {"b": "c\x01"}], "n": 3}) == {
        "title": ["a", {"b": "c"}],
        "n": 3,
    }


def test_a_candidate_is_cleaned_when_made() -> None:
    candidate = Candidate(1, "王\x00伟", "6201\x00", "城关区\x00")
    assert (candidate.name, candidate.identifier, candidate.unit) == ("王伟", "6201", "城关区")
    assert "\x00" not in candidate.key
