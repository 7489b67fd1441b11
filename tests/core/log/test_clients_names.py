"""Client names compared, searched and grouped (:mod:`massage_timer.core.log.people.names`), and the age of
a remembered answer (:func:`massage_timer.core.log.answer_state`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massage_timer.core.log import RememberedAnswer, answer_state
from massage_timer.core.log.people.names import fold, matches, name_problem, near_groups, normalise

LETTERS = "aAbBeEéÉèjJoOóžŽßаАеЕёЁиИйЙнНўЎ"
names_text = st.text(alphabet=LETTERS + " \t\u00a0\u0301\u0308", max_size=20)
DAY = 86400.0


@pytest.mark.parametrize(
    ("name", "normal", "folded"),
    [
        ("  Anna   Petrova\t", "anna petrova", "anna petrova"),
        ("ANNA", "anna", "anna"),
        ("Ёлкина", "ёлкина", "елкина"),
        ("Е\u0308лкина", "е\u0308лкина", "елкина"),  # ё typed as е and a combining diaeresis
        ("José", "josé", "jose"),
        ("Йошкин", "йошкин", "йошкин"),  # й keeps its mark
        ("Straße", "strasse", "strasse"),
        ("", "", ""),
    ],
)
def test_normalise_and_fold(name: str, normal: str, folded: str) -> None:
    assert normalise(name) == normal
    assert fold(name) == folded


@given(names_text)
def test_normalising_twice_changes_nothing(name: str) -> None:
    assert normalise(normalise(name)) == normalise(name)
    assert fold(fold(name)) == fold(name)


@given(names_text, st.sampled_from(["", " ", "\t", "  \u00a0"]), st.sampled_from(["", " ", "\n"]))
def test_outer_space_and_case_never_matter(name: str, before: str, after: str) -> None:
    assert normalise(before + name + after) == normalise(name)
    assert normalise(name.upper()) == normalise(name.lower())
    assert fold(before + name.casefold() + after) == fold(name)


@given(st.text(LETTERS, max_size=8), st.text(LETTERS, min_size=1, max_size=8), st.text(LETTERS, max_size=8))
def test_any_part_of_a_name_finds_it_in_any_case(head: str, part: str, tail: str) -> None:
    name = head + part + tail
    assert matches(fold(part), name)
    assert matches(fold(part.upper()), name.lower())
    assert not matches(fold(part) + "q", head + part)


def test_near_groups_keep_the_order_and_drop_single_names() -> None:
    names = ["Anna", "Boris", "anna ", "Ёлкина", "Vera", "елкина", "ANNA"]
    assert near_groups(names, str) == [["Anna", "anna ", "ANNA"], ["Ёлкина", "елкина"]]
    assert near_groups(["Anna", "Anne"], str) == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "empty"), ("x" * 201, "at most 200"), ("a\tb", "U+0009"), ("a\x85b", "U+0085"), ("x" * 200, None)],
)
def test_name_problems(name: str, problem: str | None) -> None:
    found = name_problem(name)
    assert found is None if problem is None else problem in (found or "")


def test_a_remembered_answer_goes_stale_past_its_age() -> None:
    given_at = 1_767_603_600.0
    answer = RememberedAnswer(False, given_at)
    assert answer_state(answer, given_at) == "fresh"
    assert answer_state(answer, given_at + 30 * DAY) == "fresh"
    assert answer_state(answer, given_at + 30 * DAY + 1) == "stale"
    assert answer_state(answer, given_at + 8 * DAY, max_age_days=7) == "stale"
    assert answer_state(answer, given_at - 60) == "stale"  # dated after now: the clock went back
    assert answer_state(RememberedAnswer(True, given_at), given_at + DAY) == "fresh"  # only age is judged here
