"""Checks for the generated cue sounds."""

from __future__ import annotations

import sys
import wave
from array import array
from pathlib import Path

import pytest

SOUNDS = Path(__file__).resolve().parents[2] / "resources" / "sounds"

# name -> (min seconds, max seconds)
EXPECTED = {
    "step-end.wav": (1.0, 1.5),
    "mid-step.wav": (0.35, 0.7),
    "seconds-left.wav": (0.04, 0.15),
}


def read(name):
    with wave.open(str(SOUNDS / name), "rb") as w:
        params = w.getparams()
        frames = w.readframes(w.getnframes())
    samples = array("h")
    samples.frombytes(frames)
    if sys.byteorder != "little":
        samples.byteswap()
    return params, samples


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_format(name):
    params, _ = read(name)
    assert params.framerate == 44100
    assert params.nchannels == 1
    assert params.sampwidth == 2


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_duration(name):
    params, samples = read(name)
    lo, hi = EXPECTED[name]
    assert lo <= params.nframes / params.framerate <= hi
    assert len(samples) == params.nframes


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_level_and_edges(name):
    _, samples = read(name)
    peak = max(abs(s) for s in samples)
    assert peak < 32767 * 0.9
    assert peak > 32767 * 0.3
    assert abs(samples[0]) < 200 and abs(samples[-1]) < 200
