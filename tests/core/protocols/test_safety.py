"""The safety gate decides whether a session may start."""

from __future__ import annotations

from massage_timer.core.protocols.library import load_library
from massage_timer.core.protocols.safety import ACUTE_REASON, RED_FLAG_ADVICE, RED_FLAGS, evaluate


def _protocol(pid: str):
    loaded = load_library(None).get(pid)
    assert loaded is not None
    return loaded.protocol


def _all_no(protocol) -> dict[str, bool]:
    return {c.id: False for c in protocol.contraindications}


def test_all_answered_no_allows_start() -> None:
    p = _protocol("classic-relaxing")
    result = evaluate(p, "acute", _all_no(p))
    assert result.allowed and not result.reasons and not result.unanswered


def test_unanswered_question_blocks_without_a_reason() -> None:
    p = _protocol("classic-relaxing")
    answers = _all_no(p)
    first = p.contraindications[0].id
    answers[first] = None
    result = evaluate(p, "remission", answers)
    assert not result.allowed
    assert result.unanswered == [first]
    assert result.reasons == []


def test_a_yes_blocks_with_the_articles_reason() -> None:
    p = _protocol("honey")
    answers = _all_no(p)
    answers["skin-lesions"] = True
    result = evaluate(p, "acute", answers)
    assert not result.allowed
    assert any("purulent" in r for r in result.reasons)


def test_remission_protocol_cannot_start_in_the_acute_stage() -> None:
    p = _protocol("cupping-static")
    answers = _all_no(p)
    assert evaluate(p, "remission", answers).allowed
    result = evaluate(p, "acute", answers)
    assert not result.allowed
    assert ACUTE_REASON in result.reasons


def test_red_flags_block_and_say_seek_care() -> None:
    p = _protocol("classic-relaxing")
    result = evaluate(p, "remission", _all_no(p), [RED_FLAGS[0][0]])
    assert not result.allowed and result.seek_care
    assert RED_FLAG_ADVICE in result.reasons
    assert "not from the article" in RED_FLAG_ADVICE
