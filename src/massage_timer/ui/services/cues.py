"""Sound, speech and notification cues for a running session.

Every cue degrades gracefully: with no audio device, no sound files or a
missing Qt multimedia library the app falls back to the system beep (and the
session page always shows a visual cue); with no speech engine it stays
silent. :meth:`CuePlayer.status` says why, in words for the Settings page.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from ...core.resources import ResourceError, resource_path
from ..settings import Settings
from ..widgets.basics import app_icon

log = logging.getLogger(__name__)
"""Cue failures go to the app's log: why sound or speech is not available, never what is spoken."""

SOUND_FILES = {
    "step_end": "sounds/step-end.wav",
    "mid": "sounds/mid-step.wav",
    "seconds_left": "sounds/seconds-left.wav",
}
"""The cue kinds and their packaged sound files."""

SPEECH_DELAY_MS = 700
"""How long an announcement waits after its chime, so the two do not overlap."""


def spoken_duration(seconds: int | None) -> str:
    """A duration as it is said aloud: ``"15 minutes"``, ``"1 minute 30 seconds"``."""
    if seconds is None:
        return "Until done"
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    for value, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")):
        if value:
            parts.append(f"{value} {unit}{'' if value == 1 else 's'}")
    return " ".join(parts) if parts else "0 seconds"


def _speech_hint() -> str:
    if sys.platform.startswith("linux"):
        return "on Linux install speech-dispatcher, e.g. 'sudo apt install speech-dispatcher'"
    if sys.platform == "win32":
        return "Windows speech (SAPI) should be part of Windows; check the Windows speech settings"
    return "check the system's spoken content settings"


def _speechd_socket() -> Path | None:
    """Where speech-dispatcher listens (as libspeechd finds it); None if not a local socket."""
    address = os.environ.get("SPEECHD_ADDRESS", "")
    if address.startswith("unix_socket:"):
        return Path(address.split(":", 1)[1])
    if address:
        return None
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path.home() / ".cache"
    return base / "speech-dispatcher" / "speechd.sock"


def _speechd_answers(path: Path, timeout: float) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(b'SET self CLIENT_NAME "massage-timer:probe:main"\r\n')
            ok = sock.recv(256).startswith(b"208")
            sock.sendall(b"QUIT\r\n")
            return ok
    except OSError:
        return False


def speechd_problem(timeout: float = 3.0) -> str:
    """Why speech-dispatcher cannot be used now ("" when it answers), without Qt.

    Qt's speechd engine connects in its constructor, holding Python's lock,
    and waits forever for a daemon that accepts but does not answer; this
    check uses plain sockets (which let other threads run), starting the
    daemon the way libspeechd would when it is not running.
    """
    path = _speechd_socket()
    if path is None:
        return ""  # a TCP address: leave it to the engine
    if not path.exists():
        program = shutil.which("speech-dispatcher")
        if program is None:
            return "speech-dispatcher is not installed"
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                [program, "--spawn", "--communication-method", "unix_socket", "--socket-path", str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=10,
                check=False,
            )
    deadline = time.monotonic() + timeout
    while True:
        if path.exists() and _speechd_answers(path, max(0.1, deadline - time.monotonic())):
            return ""
        if time.monotonic() >= deadline:
            return "the speech service (speech-dispatcher) does not answer"
        time.sleep(0.1)


class CuePlayer(QObject):
    """Plays the cue sounds, speaks announcements and shows notifications.

    Args:
        settings: read for sound_enabled, volume, voice_enabled, voice_name,
            voice_rate and tray_notifications (changes apply at once).
        speech_engine: a QTextToSpeech engine name ("mock" in tests); None
            picks the platform default.
        background: check on a worker thread that speech-dispatcher answers
            before connecting to it. Connecting can take seconds (it is spawned
            on demand) or never return (a stuck daemon); the window must not
            wait for it.
            Until it is ready, announcements are skipped and :attr:`speech_changed`
            tells when :meth:`status` and :meth:`voices` have news.
    """

    speech_changed = Signal()
    """The speech engine became ready (or failed) after a background start."""
    _speechd_checked = Signal(str, str)  # engine, problem

    def __init__(
        self,
        settings: Settings,
        parent: QObject | None = None,
        *,
        speech_engine: str | None = None,
        background: bool = False,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.speech_delay_ms = SPEECH_DELAY_MS
        self.beeps = 0
        """How many times the system beep stood in for a sound (for tests and diagnostics)."""
        self.played: list[str] = []
        """The cue kinds played, newest last (kept short)."""
        self.urgencies: list[int] = []
        """The urgency of each cue played, beside :attr:`played`."""
        self.last_volume: float | None = None
        self.spoken: list[str] = []
        """The texts sent to the speech engine, newest last (kept short)."""
        self._effects: dict[str, Any] = {}
        self._sound_ok = False
        self._sound_reason = ""
        self._tts: Any = None
        self._speech_ok = False
        self._speech_reason = ""
        self._speech_logged = ""
        self._tray: QSystemTrayIcon | None = None
        self._pending_speech = QTimer(self)
        self._pending_speech.setSingleShot(True)
        self._pending_speech.timeout.connect(self._say_pending)
        self._pending_text = ""
        self._queue_pending = False
        self._sound_checked = False
        if not background:
            self._ensure_sound()
        self._speechd_checked.connect(self._on_speechd_checked)
        self.speech_changed.connect(self._log_speech)
        self._setup_speech(speech_engine, background)
        if not self._speech_ok:
            self._log_speech()
        settings.changed.connect(self._on_setting)

    # ------------------------------------------------------------------ sound

    def _ensure_sound(self) -> None:
        """Load Qt Multimedia and the cue sounds once, when first needed.

        With ``background=True`` this waits until a session is prepared, Settings
        is opened or a cue plays, so that starting the app does not pay for it.
        """
        if not self._sound_checked:
            self._sound_checked = True
            self._setup_sound()
            log.log(logging.INFO if self._sound_ok else logging.WARNING, "sound: %s", self._sound_reason)

    def warm_up(self) -> None:
        """Get sound ready now (before a session), so that the first cue is on time."""
        self._ensure_sound()

    def _setup_sound(self) -> None:
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:  # a missing system library (libpulse, ffmpeg...) ends here
            self._sound_reason = f"Qt's sound module could not be loaded ({exc})"
            return
        try:
            outputs = QMediaDevices.audioOutputs()
        except Exception as exc:  # noqa: BLE001 - a broken audio backend must not stop the app
            self._sound_reason = f"the audio system could not be asked for devices ({exc})"
            return
        if not outputs:
            self._sound_reason = "no audio output device was found"
            return
        missing = []
        for kind, ref in SOUND_FILES.items():
            try:
                path = resource_path(ref)
            except ResourceError:
                missing.append(ref.rsplit("/", 1)[-1])
                continue
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            self._effects[kind] = effect
        if not self._effects:
            self._sound_reason = "the cue sound files are missing from this installation"
            return
        self._sound_ok = True
        self._sound_reason = (
            f"some cue sounds are missing ({', '.join(missing)}); the system beep stands in for them"
            if missing
            else f"cue sounds are ready on {outputs[0].description() or 'the default output'}"
        )
        self._apply_volume()

    def _linear_volume(self) -> float:
        """The volume setting (0-100, as the user hears it) as a linear gain.

        Loudness is perceived roughly logarithmically; squaring the level makes
        the slider's middle sound like the middle without making 80 % timid.
        """
        level = max(0, min(100, int(self.settings.get("volume")))) / 100.0
        return level * level

    def _apply_volume(self) -> None:
        volume = self._linear_volume()
        for effect in self._effects.values():
            effect.setVolume(volume)

    def play(self, kind: str, urgency: int = 0) -> None:
        """Play the cue ``kind`` ("step_end", "mid" or "seconds_left") if sound is on.

        ``urgency`` > 0 plays it louder than the volume setting, a quarter of full volume
        more for each step (a reminder that has gone unanswered several times).
        """
        if kind not in SOUND_FILES:
            raise ValueError(f"unknown cue kind {kind!r}")
        if not self.settings.get("sound_enabled"):
            return
        self.played = [*self.played[-19:], kind]
        self.urgencies = [*self.urgencies[-19:], urgency]
        self._ensure_sound()
        effect = self._effects.get(kind)
        if effect is None or not self._effect_usable(effect):
            self._beep()
            return
        effect.stop()
        base = self._linear_volume()
        effect.setVolume(min(1.0, base + 0.25 * max(0, urgency)) if urgency else base)
        self.last_volume = effect.volume()
        effect.play()

    def _effect_usable(self, effect: Any) -> bool:
        from PySide6.QtMultimedia import QSoundEffect

        if effect.status() == QSoundEffect.Status.Error:
            reason = "a cue sound file could not be played; the system beep stands in"
            if self._sound_reason != reason:
                log.warning("sound: %s (%s)", reason, effect.source().toLocalFile())
            self._sound_reason = reason
            return False
        return True

    def _beep(self) -> None:
        self.beeps += 1
        QApplication.beep()

    # ----------------------------------------------------------------- speech

    def _setup_speech(self, engine: str | None, background: bool = False) -> None:
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as exc:
            self._speech_reason = f"Qt's speech module could not be loaded ({exc})"
            return
        try:
            engines = list(QTextToSpeech.availableEngines())
        except Exception as exc:  # noqa: BLE001
            self._speech_reason = f"the speech engines could not be listed ({exc})"
            return
        if engine is None:
            # Never pick the test engine for real announcements.
            real = [e for e in engines if e != "mock"]
            if not real:
                self._speech_reason = f"no speech engine is installed ({_speech_hint()})"
                return
            engine = real[0]
        elif engine not in engines:
            self._speech_reason = f"the speech engine {engine!r} is not installed ({_speech_hint()})"
            return
        if background and engine == "speechd":
            self._speech_reason = "the speech engine is starting"
            threading.Thread(target=self._check_speechd, args=(engine,), name="speechd-check", daemon=True).start()
            return
        self._adopt_speech(QTextToSpeech(engine, self))

    def _check_speechd(self, engine: str) -> None:
        problem = speechd_problem()
        with contextlib.suppress(RuntimeError):  # the player was deleted meanwhile
            self._speechd_checked.emit(engine, problem)

    def _on_speechd_checked(self, engine: str, problem: str) -> None:
        if problem:
            self._speech_reason = f"{problem} ({_speech_hint()})"
            self.speech_changed.emit()
            return
        from PySide6.QtTextToSpeech import QTextToSpeech

        self._adopt_speech(QTextToSpeech(engine, self))

    def _adopt_speech(self, tts: Any) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if tts.state() == QTextToSpeech.State.Error:
            detail = tts.errorString() or "it reported an error"
            self._speech_reason = f"the speech engine could not start: {detail} ({_speech_hint()})"
            tts.deleteLater()
            self.speech_changed.emit()
            return
        self._tts = tts
        tts.errorOccurred.connect(self._on_speech_error)
        self._speech_ok = True
        self._apply_voice()
        self.speech_changed.emit()

    def _on_speech_error(self, *_args: object) -> None:
        if self._tts is not None:
            self._speech_reason = f"the speech engine reported an error: {self._tts.errorString()}"
            log.warning("speech: %s", self._speech_reason)

    def _log_speech(self) -> None:
        said = self._speech_reason or "ready"
        if said != self._speech_logged:  # a failure is logged once, however it was reached
            self._speech_logged = said
            failed = not self._speech_ok and not self._tts and "is starting" not in said
            log.log(logging.WARNING if failed else logging.INFO, "speech: %s", said)

    def _apply_voice(self) -> None:
        tts = self._tts
        if tts is None:
            return
        wanted = str(self.settings.get("voice_name") or "")
        if wanted:
            for voice in tts.availableVoices():
                if voice.name() == wanted:
                    tts.setVoice(voice)
                    break
        rate = max(-1.0, min(1.0, float(self.settings.get("voice_rate"))))
        tts.setRate(rate)
        tts.setVolume(self._linear_volume())
        voices = tts.availableVoices()
        if not voices:
            self._speech_reason = "the speech engine has no voices installed"
        else:
            self._speech_reason = f"speech is ready ({tts.voice().name() or voices[0].name()})"

    def voices(self) -> list[str]:
        """The names of the voices of the speech engine (empty without one)."""
        if self._tts is None:
            return []
        return [v.name() for v in self._tts.availableVoices()]

    def speak(self, text: str, *, after_sound: bool = False, queue: bool = False) -> None:
        """Say ``text`` if voice announcements are on (a newer text replaces one being said).

        Args:
            after_sound: wait a moment first, so that the chime just played is heard.
            queue: say it after what is being said or waits to be said, instead of cutting
                that short (an alarm of a session in the background must not be lost).
        """
        if not text or not self.settings.get("voice_enabled") or self._tts is None:
            return
        if queue and self._pending_text:
            text = f"{self._pending_text} {text}"
        self._queue_pending = queue and not self._pending_text
        self._pending_text = text
        if after_sound and self.settings.get("sound_enabled") and self.speech_delay_ms > 0:
            self._pending_speech.start(self.speech_delay_ms)
        else:
            self._pending_speech.stop()
            self._say_pending()

    def _say_pending(self) -> None:
        text, self._pending_text = self._pending_text, ""
        queue, self._queue_pending = self._queue_pending, False
        if text and self._tts is not None:
            self.spoken = [*self.spoken[-19:], text]
            if queue and hasattr(self._tts, "enqueue"):
                self._tts.enqueue(text)  # after what is being said now
            else:
                self._tts.say(text)

    def stop_speaking(self) -> None:
        self._pending_speech.stop()
        self._pending_text = ""
        if self._tts is not None:
            self._tts.stop()

    # ----------------------------------------------------------------- status

    def status(self) -> tuple[bool, str, bool, str]:
        """``(sound_ok, sound_reason, speech_ok, speech_reason)``, the reasons in plain words."""
        self._ensure_sound()
        sound_reason = self._sound_reason
        if not self._sound_ok:
            sound_reason += "; the system beep and the screen flash are used instead"
        speech_reason = self._speech_reason
        if not self._speech_ok:
            speech_reason += "; announcements are shown on screen only"
        return self._sound_ok, sound_reason, self._speech_ok, speech_reason

    # ---------------------------------------------------------- notification

    def notify(self, title: str, text: str, window: QWidget | None) -> None:
        """Draw attention to ``window`` when it is not the active window.

        Shows a tray message (if a tray exists and the setting allows),
        flashes the task-bar entry and raises the window.
        """
        if window is None or window.isActiveWindow():
            return
        if self.settings.get("tray_notifications") and QSystemTrayIcon.isSystemTrayAvailable():
            tray = self._tray_icon()
            if tray is not None:
                tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)
        QApplication.alert(window)
        window.raise_()

    def _tray_icon(self) -> QSystemTrayIcon | None:
        if self._tray is None:
            icon = app_icon()
            if icon.isNull():
                icon = QApplication.windowIcon()
            tray = QSystemTrayIcon(icon, self)
            tray.setToolTip("Massage Timer")
            self._tray = tray
        if not self._tray.isVisible():
            self._tray.show()
        return self._tray

    def hide_tray(self) -> None:
        """Remove the tray icon shown for notifications (after a session)."""
        if self._tray is not None:
            self._tray.hide()

    # --------------------------------------------------------------- settings

    def _on_setting(self, key: str) -> None:
        if key == "volume":
            self._apply_volume()
            self._apply_voice()
        elif key in ("voice_name", "voice_rate"):
            self._apply_voice()
        elif key == "voice_enabled" and not self.settings.get("voice_enabled"):
            self.stop_speaking()
