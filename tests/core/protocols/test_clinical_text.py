"""The built-in protocols' clinical text: what is the article's, and what is marked as the app's own reading."""

from __future__ import annotations

import pytest

from massage_timer.core.protocols.format import Protocol
from massage_timer.core.protocols.reading import read_protocol
from massage_timer.core.protocols.safety import ACUTE_REASON
from massage_timer.core.resources import builtin_protocols_dir, resources_dir
from massage_timer.ui.widgets.basics import reflow


def _load(protocol_id: str) -> Protocol:
    return read_protocol(builtin_protocols_dir() / f"{protocol_id}.toml", (resources_dir(),)).protocol


def _step(protocol: Protocol, step_id: str):
    return next(s for s in protocol.steps if s.id == step_id)


def _flat(text: str) -> str:
    return reflow(text).replace("\n", " ")


STAGE_READING = (
    "Stage: remission only. This is the app's reading: the article does not say in which stage {} may be used."
)


@pytest.mark.parametrize(
    ("protocol_id", "what"),
    [("acupressure", "acupressure"), ("cupping-static", "cupping"), ("cupping-dynamic", "cupping")],
)
def test_remission_only_is_marked_as_the_apps_reading(protocol_id: str, what: str) -> None:
    protocol = _load(protocol_id)
    assert protocol.stages == ["remission"]
    assert STAGE_READING.format(what) in _flat(protocol.summary)
    acute = next(c for c in protocol.contraindications if c.id == "acute-stage")
    assert f"The article does not say in which stage {what} may be used" in acute.reason
    assert "is the app's reading of that rule." in acute.reason
    assert "honey massage acceptable" in acute.reason


def test_the_gate_says_remission_only_is_the_apps_reading_for_cupping_and_acupressure() -> None:
    assert "honey massage acceptable" in ACUTE_REASON
    assert "For the built-in cupping and acupressure routines that is the app's reading" in ACUTE_REASON
    assert "the article does not say in which stage they may be used" in ACUTE_REASON


def test_acupressure_describes_the_specialists_four_stages_as_information() -> None:
    summary = _flat(_load("acupressure").summary)
    assert "For information only, not a home routine: the article describes the full procedure" in summary
    stages = (
        "First, the point of greatest pain is found by palpating (feeling with the fingers) along the sciatic nerve.",
        "Then that point and the whole painful area are massaged.",
        "Then the buttocks are massaged.",
        "Finally, the points of the bladder meridian are massaged.",
    )
    positions = [summary.index(stage) for stage in stages]
    assert positions == sorted(positions)
    assert "This routine does not do that procedure" in summary
    # The overview picture: from behind, with the ankles seen from the front.
    assert "the small box in it shows both ankles seen from the front" in summary


def test_acupressure_home_point_1_follows_the_article() -> None:
    find = _step(_load("acupressure"), "find-point-1")
    assert "move the muscle away from the bone using rotational movements" in find.instructions
    # "Palpating along the sciatic nerve" is the specialist's procedure, not the home point.
    assert "sciatic nerve" not in find.instructions


def test_acupressure_point_4_is_at_the_front_of_the_ankle_and_its_picture_is_from_the_front() -> None:
    text = _flat(_step(_load("acupressure"), "point-4-ankle").instructions)
    assert "at the front of the ankle, in the middle of the fold where the foot meets the shin" in text
    assert "The article says “in the centre”; that this means the front of the ankle is the app's reading." in text
    assert "The picture shows the ankles from the front" in text
    assert "the patient's left foot is on the right of the picture" in text
    protocol = _load("acupressure")
    for step_id in ("point-2-gluteal", "point-3-knee"):
        assert "The picture shows the patient from behind." in _step(protocol, step_id).instructions


def test_ridge_like_movements_are_explained_and_marked() -> None:
    protocol = _load("classic-relaxing")
    main = _step(protocol, "circular-ridge").instructions
    assert "Ridge-like movements are strokes made with the knuckles of a loosely clenched fist." in main
    assert "The article does not describe them: this explanation is the app's." in main
    for step_id in ("leg", "arm"):
        assert (
            "(strokes with the knuckles of a loose fist, the app's explanation)"
            in _step(protocol, step_id).instructions
        )
    assert "for the arm it is the app's reading" in _step(protocol, "arm").instructions


def test_dynamic_cupping_glass_jar_handling_is_marked() -> None:
    protocol = _load("cupping-dynamic")
    apply = _flat(_step(protocol, "apply-cup").instructions)
    assert "Glass jar: the article only says that the jar is “set on fire”." in apply
    assert "The app's reading: free it of oxygen with the burning torch, as for placing jars." in apply
    assert any("the app applies the article's rules for placing jars here too" in p for p in protocol.precautions)
    assert any("the torch is the app's reading" in e for e in protocol.equipment)


def test_static_cupping_fire_handling_and_matches_are_marked() -> None:
    protocol = _load("cupping-static")
    torch = _flat(_step(protocol, "torch").instructions)
    assert "The article says to free the jars of oxygen with the burning torch before placing them." in torch
    assert "How to do it is the app's guidance, not from the article: light the torch" in torch
    place = _flat(_step(protocol, "cover-and-wait").instructions)
    assert "The app's guidance, not from the article: put each jar on mouth down" in place
    assert "The app's reading: it counts each jar's time from the moment it was placed" in place
    assert "Matches or a lighter, to light the torch (the app's addition: the article does not name them)" in (
        protocol.equipment
    )


def test_honey_allergy_question_is_marked_as_general_guidance() -> None:
    allergy = next(c for c in _load("honey").contraindications if c.id == "honey-allergy")
    assert allergy.question == (
        "General safety guidance (not from the article): is the patient allergic to honey or other bee products?"
    )
    assert allergy.reason.startswith("General safety guidance (not from the article): ")
