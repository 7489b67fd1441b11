"""The safety gate before a session: stage, contraindications, red flags.

The gate decides; the setup sheet only shows what it decided. Nothing here
diagnoses: it applies the protocol's own checklist (from the source article)
and, separately, general red flags that are marked as not coming from the
article.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .format import Protocol

ACUTE_REASON = (
    "The article says that in the acute stage (an exacerbation) the relaxing massage is the only "
    "thing you can do; it also finds honey massage acceptable then. This protocol is marked for "
    "remission only. For the built-in cupping and acupressure routines that is the app's reading "
    "of this rule: the article does not say in which stage they may be used."
)

RED_FLAGS_SOURCE = "General guidance, not from the article"
RED_FLAGS: tuple[tuple[str, str], ...] = (
    ("bladder-bowel", "Loss of bladder or bowel control, or new trouble passing urine"),
    ("saddle-numbness", "Numbness in the saddle area (groin, buttocks, inner thighs)"),
    ("weakness", "Leg weakness that is getting worse quickly"),
)
RED_FLAG_ADVICE = (
    "Seek medical care now, before any massage. These signs can mean that nerves are seriously "
    f"compressed. ({RED_FLAGS_SOURCE}.)"
)


@dataclass(frozen=True)
class GateResult:
    allowed: bool
    reasons: list[str] = field(default_factory=list)
    """Why the start is blocked (each from the article or marked as general guidance)."""
    unanswered: list[str] = field(default_factory=list)
    """Contraindication ids still to answer."""
    seek_care: bool = False


def evaluate(
    protocol: Protocol,
    stage: str,
    answers: Mapping[str, bool | None],
    red_flags: Sequence[str] = (),
) -> GateResult:
    """Whether a session of ``protocol`` may start.

    Args:
        stage: "acute" or "remission".
        answers: contraindication id -> True (yes, it applies), False (no), None (not answered).
        red_flags: ids from :data:`RED_FLAGS` that the user ticked.
    """
    reasons: list[str] = []
    seek_care = bool(red_flags)
    if seek_care:
        reasons.append(RED_FLAG_ADVICE)
    if not protocol.suits(stage):
        reasons.append(ACUTE_REASON if stage == "acute" else f"This protocol is not meant for the {stage} stage.")
    unanswered = []
    for item in protocol.contraindications:
        answer = answers.get(item.id)
        if answer is None:
            unanswered.append(item.id)
        elif answer:
            reasons.append(item.reason)
    allowed = not reasons and not unanswered
    return GateResult(allowed=allowed, reasons=reasons, unanswered=unanswered, seek_care=seek_care)
