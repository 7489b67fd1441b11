"""The doctor's report is of one person: its PDF text, its pages, and ``massage-timer report``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QPageSize

from massage_timer.cli import main
from massage_timer.core.log import Filter, SessionInfo, Store
from massage_timer.core.session.events import Outcome, StepRun
from massage_timer.ui.history.report import TITLE, page_size_for, write_report
from massage_timer.ui.pages import history as history_page

pytestmark = pytest.mark.skipif(
    any(not __import__("shutil").which(tool) for tool in ("pdftotext", "pdfinfo", "pdfimages")),
    reason="needs poppler-utils",
)

PERSONS = ("Alice Example", "Bruno Sample", "Chiara Testa")
PROTOCOLS = (("honey", "Honey massage"), ("acupressure", "Acupressure of four standard points"))
START = datetime(2026, 3, 2, 9, 0).timestamp()
NOTE = "Completed the whole routine; Duration felt right. " * 6  # long: shortened in the table
WORDS = ("Completed", "Duration", "Protocol", "variant", "Minutes", "before", "after", "Acupressure", "standard")
SRC = Path(__file__).resolve().parents[3] / "src"


def _session(store: Store, person: str, n: int, started: float) -> None:
    protocol = PROTOCOLS[n % 2]
    info = SessionInfo(protocol[0], protocol[1], person, steps_total=2, side="left", pain_before=5 + n % 3)
    sid = store.begin_session(info, started)
    for seq, (title, planned) in enumerate((("Warm up the painful area by stroking", None), ("Massage", 300))):
        store.save_step(
            sid,
            StepRun(
                seq=seq,
                index=seq,
                step_id=f"s{seq}",
                title=title,
                side="left",
                timed=planned is not None,
                planned=planned,
                initial_planned=planned,
                started_wall=started + seq * 400,
                ended_wall=started + seq * 400 + 300,
                active=300.0,
                outcome=Outcome.COMPLETED,
            ),
        )
    store.end_session(sid, "completed", started + 700)
    store.update_session(sid, pain_after=3 + n % 2, notes=NOTE if n % 4 == 0 else "Felt fine.")


@pytest.fixture
def three(store: Store) -> Store:
    """Three persons with 20 sessions each, on days of their own (Alice on day 0, 3, 6…)."""
    for n in range(20):
        for i, person in enumerate(PERSONS):
            _session(store, person, n, START + (3 * n + i) * 86400)
    return store


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    pages = text.stdout.split("\f")
    return pages[:-1] if not pages[-1].strip() else pages


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def test_a_report_holds_one_person_on_pages_with_a_header_and_their_number(qtbot, three: Store, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "bruno.pdf"
    assert write_report(three, Filter(person="Bruno Sample"), path, page=QPageSize.PageSizeId.A4) == 20
    pages = pdf_pages(path)
    assert len(pages) >= 2
    text = "\n".join(pages)
    assert "Alice" not in text and "Chiara" not in text
    for number, page in enumerate(pages, 1):
        lines = [line for line in page.splitlines() if line.strip()]
        assert TITLE in lines[0] and "Bruno Sample" in lines[0], number  # the header line
        assert re.search(rf"Page {number} of {len(pages)}\s*$", lines[-1]), lines[-1]  # the footer
    for n in range(20):  # each of Bruno's sessions on one line (a row is never split), nobody else's
        protocol = PROTOCOLS[n % 2][1]
        row = rf"{_when(START + (3 * n + 1) * 86400)}\s+{re.escape(protocol)}\s+Left\s+10\s+{5 + n % 3}\s+{3 + n % 2}"
        assert len(re.findall(row, text)) == 1, row
        assert _when(START + 3 * n * 86400) not in text
    summary = text[text.index("Summary") : text.index("Minutes per week")]
    assert "Sessions" in summary and "20" in summary and "Average pain before" in summary
    assert "20 rated sessions; the dashed lines are the trend." in text
    headings = ["Summary", "Minutes per week", "Pain before and after each session", "Sessions"]
    headings += ["Appendix A: notes in full", "Appendix B: the steps of each session", "Massage Timer guides.*"]
    at = [re.search(rf"^\s*{heading}\s*$", text, re.MULTILINE).start() for heading in headings]  # type: ignore[union-attr]
    assert at == sorted(at) and text.index("Person") < at[0]
    assert "it does not diagnose" in pages[-1]
    assert "Made with Massage Timer" in text


def test_no_word_is_broken_across_lines(qtbot, three: Store, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "alice.pdf"
    write_report(three, Filter(person="Alice Example"), path, page=QPageSize.PageSizeId.Letter)
    text = "\n".join(pdf_pages(path))
    assert "\ufb01" not in text  # "fi" is copied as two letters, not a ligature
    tokens = set(re.findall(r"[A-Za-z]+", text))
    pieces = {w[:i] for w in WORDS for i in range(3, len(w))} | {w[i:] for w in WORDS for i in range(2, len(w) - 2)}
    pieces -= {"Pain", "Step", "Side", "the", "ted", "fore", "Min", "ter", "ore", "Acu", "stand", "tan", "dard"}
    assert tokens & pieces == set()
    assert "Completed" in tokens and "Duration" in tokens


def test_the_paper_follows_the_locale() -> None:
    assert page_size_for(QLocale("en_US")) == QPageSize.PageSizeId.Letter
    assert page_size_for(QLocale("fr_CA")) == QPageSize.PageSizeId.Letter
    assert page_size_for(QLocale("de_DE")) == QPageSize.PageSizeId.A4
    assert page_size_for(QLocale("en_GB")) == QPageSize.PageSizeId.A4


def test_the_charts_are_drawn_in_vectors_and_the_text_is_text(qtbot, three: Store, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "letter.pdf"
    write_report(three, Filter(person="Chiara Testa"), path, page=QPageSize.PageSizeId.Letter)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "612 x 792" in info  # letter
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    sizes = {tuple(line.split()[3:5]) for line in images.splitlines()[2:]}
    assert sizes <= {("1", "1")}  # only the charts' blank places: the charts themselves are lines and text
    assert "Minutes of massage in the week" in "\n".join(pdf_pages(path))


def test_a_single_rated_session_has_no_trend(qtbot, store: Store, tmp_path) -> None:  # noqa: ANN001
    _session(store, "Dana", 1, START)
    path = tmp_path / "one.pdf"
    assert write_report(store, Filter(person="Dana"), path) == 1
    text = "\n".join(pdf_pages(path))
    assert "1 rated session: a trend needs 5." in text and "Dashed" not in text


def test_the_page_asks_whose_report_and_a_cancel_writes_nothing(qtbot, three: Store, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    from massage_timer.ui.settings import Settings

    asked: list[list[str]] = []
    monkeypatch.setattr(history_page, "choose_person", lambda _parent, persons: asked.append(persons))
    monkeypatch.setattr(history_page.QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("not asked"))
    page = history_page.HistoryPage(three, Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(page)
    page.refresh()
    page.report_button.click()
    assert asked == [list(PERSONS)] and page.report_job is None


# ------------------------------------------------------------------ the command line


def test_the_report_command_writes_the_pdf(qtbot, three: Store, capsys, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "chiara.pdf"
    code = main(["report", "--person", "Chiara Testa", "--from", "2026-03-10", "--to", "2026-03-31", "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    assert f"written to {out}" in capsys.readouterr().out
    text = "\n".join(pdf_pages(out))
    assert "Chiara Testa" in text and "10 Mar 2026 – 31 Mar 2026" in text
    days = {int(d) for d in re.findall(r"2026-03-(\d\d) \d\d:\d\d\s+(?:Honey|Acupressure)", text)}
    assert days and min(days) >= 10 and max(days) <= 31


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--person", "Nobody"], "--person"),
        (["--person", "Bruno Sample", "--from", "2026-02-30"], "--from"),
        (["--person", "Bruno Sample", "--to", "yesterday"], "--to"),
        (["--person", "Bruno Sample", "--from", "2026-04-01", "--to", "2026-03-01"], "--from"),
        (["--person", "Bruno Sample", "--protocol", "nope"], "--protocol"),
    ],
)
def test_the_report_command_refuses_bad_input(qtbot, three: Store, capsys, tmp_path, args, named) -> None:  # noqa: ANN001
    out = tmp_path / "r.pdf"
    assert main(["report", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"massage-timer: {named}") and "Traceback" not in err
    assert not out.exists()


def test_the_report_command_names_a_file_it_cannot_write(qtbot, three: Store, capsys, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "missing" / "r.pdf"
    assert main(["report", "--person", "Alice Example", "-o", str(out)]) == 1
    assert f"{out} could not be written" in capsys.readouterr().err


def test_the_report_command_needs_no_display(three: Store, data_dir, tmp_path) -> None:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(SRC)
    out = tmp_path / "r.pdf"
    command = [sys.executable, "-m", "massage_timer", "--data-dir", str(data_dir.root), "report"]
    done = subprocess.run([*command, "--person", "Alice Example", "-o", str(out)], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    done = subprocess.run([*command, "-o", str(out)], env=env, capture_output=True, text=True)
    assert done.returncode == 2 and "--person" in done.stderr


def test_the_steps_of_a_session_stay_on_one_page(qtbot, store: Store, tmp_path) -> None:  # noqa: ANN001
    for n in range(120):  # about five pages of steps: some sessions would fall across a page's end
        _session(store, "Dora Long", n, START + n * 86400)
    path = tmp_path / "dora.pdf"
    write_report(store, Filter(person="Dora Long"), path, page=QPageSize.PageSizeId.A4)
    pages = pdf_pages(path)
    appendix = [i for i, page in enumerate(pages) if "the steps of each session" in page][0]
    seen = 0
    for page in pages[appendix:]:
        lines = [line.strip() for line in page.splitlines() if line.strip()][1:-1]  # no header, no footer
        captions = [i for i, line in enumerate(lines) if re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d · ", line)]
        if not captions:
            continue
        body = lines[captions[0] :]
        assert not any(line.startswith(("Warm up", "Massage ")) for line in lines[: captions[0]]), page
        for at in captions:  # each caption has its column heads and both steps below it, on this page
            assert body[at - captions[0] + 1].split()[:3] == ["Step", "Side", "Planned"], page
            assert body[at - captions[0] + 2].startswith("Warm up the painful area by stroking"), page
            assert body[at - captions[0] + 3].startswith("Massage"), page
        seen += len(captions)
    assert seen == 120
