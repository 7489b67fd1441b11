"""Synthesise the cue sounds.

Writes ``resources/sounds/step-end.wav`` (soft bell chime, about 1.2 s),
``resources/sounds/mid-step.wav`` (two-tone cue, about 0.5 s) and
``resources/sounds/seconds-left.wav`` (short tick, about 0.08 s).

All files are 44.1 kHz, mono, 16-bit PCM, generated with the standard library
only (sine partials with exponential decay, short fade in/out, peak
normalised to -1.5 dBFS).  The output is deterministic.

Usage::

    PYTHONPATH=src python -m massage_timer.tools.make_sounds [OUT_DIR]
"""

from __future__ import annotations

import math
import sys
import wave
from array import array
from pathlib import Path

RATE = 44100
PEAK_DBFS = -1.5


def _partials(duration, partials, fade_in=0.004, fade_out=0.03):
    """partials: list of (start_s, freq_hz, amplitude, decay_per_s)."""
    n = int(round(duration * RATE))
    out = [0.0] * n
    for start, freq, amp, decay in partials:
        i0 = int(round(start * RATE))
        w = 2.0 * math.pi * freq / RATE
        for i in range(i0, n):
            t = (i - i0) / RATE
            # short attack per partial avoids clicks at onset
            att = min(1.0, t / 0.004)
            out[i] += amp * att * math.exp(-decay * t) * math.sin(w * (i - i0))
    fi = max(1, int(fade_in * RATE))
    fo = max(1, int(fade_out * RATE))
    for i in range(min(fi, n)):
        out[i] *= i / fi
    for i in range(min(fo, n)):
        k = n - 1 - i
        out[k] *= 0.5 - 0.5 * math.cos(math.pi * i / fo)
    out[0] = 0.0
    out[-1] = 0.0
    return out


def _normalise(samples, peak_dbfs=PEAK_DBFS):
    peak = max(abs(s) for s in samples) or 1.0
    target = 32767.0 * 10 ** (peak_dbfs / 20.0)
    g = target / peak
    return array("h", (int(round(s * g)) for s in samples))


def step_end():
    """Soft bell: inharmonic partials with different decays."""
    f = 659.25  # E5
    parts = [
        (0.0, f, 1.0, 3.2),
        (0.0, f * 2.0, 0.45, 4.5),
        (0.0, f * 2.76, 0.25, 6.0),
        (0.0, f * 5.40, 0.08, 9.0),
        (0.0, f * 0.5, 0.18, 3.0),
    ]
    return _partials(1.2, parts, fade_out=0.12)


def mid_step():
    """Two distinct tones, rising (G5 then C6)."""
    parts = [
        (0.0, 783.99, 0.9, 9.0),
        (0.0, 783.99 * 2, 0.15, 14.0),
        (0.22, 1046.5, 0.9, 8.0),
        (0.22, 1046.5 * 2, 0.15, 12.0),
    ]
    return _partials(0.5, parts, fade_out=0.06)


def seconds_left():
    """Short wooden-like tick."""
    parts = [
        (0.0, 1760.0, 1.0, 55.0),
        (0.0, 2637.0, 0.4, 70.0),
        (0.0, 880.0, 0.3, 40.0),
    ]
    return _partials(0.08, parts, fade_in=0.002, fade_out=0.015)


SOUNDS = {
    "step-end.wav": step_end,
    "mid-step.wav": mid_step,
    "seconds-left.wav": seconds_left,
}


def write_wav(path: Path, samples) -> None:
    data = _normalise(samples)
    if sys.byteorder != "little":
        data.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data.tobytes())


def default_out_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "resources" / "sounds"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out_dir = Path(argv[0]) if argv else default_out_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, fn in SOUNDS.items():
        write_wav(out_dir / name, fn())
    print(f"wrote {len(SOUNDS)} sounds to {out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
