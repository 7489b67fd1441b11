"""Hostile text, private files, and a report that never freezes the window.

Names, notes and protocol titles hold carriage returns, line feeds, commas, quotes and
terminal escape sequences: the CSV keeps its rows, a terminal shows no control
character, JSON and CSV files keep the text exactly. Protocol files with control
characters are refused with the place, and one saved with a BOM loads. Exports are
0600 and folders the app creates 0700 whatever the umask, and a failed export leaves
nothing half written. Notes have a maximum that the boxes and the log enforce, but an
older, longer note is never cut. The report is written on a worker thread: the window
keeps processing events with a 1 MB note, and Cancel leaves no file.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog, QPushButton
from reliability_helpers import START, run_as_unprivileged, step_run

from massage_timer.cli import main
from massage_timer.core.log import CSV_COLUMNS, Filter, SessionInfo, Store, StoreError, make_backup, open_store
from massage_timer.core.log import export as export_module
from massage_timer.core.paths import DataPaths
from massage_timer.core.protocols.library import load_library
from massage_timer.core.resources import builtin_protocols_dir

MAX_NOTES = 20_000
"""The notes limit the app promises (``massage_timer.core.text.MAX_NOTES``, checked below)."""

AWKWARD = [
    "bare\rcarriage return",
    "line\nfeed",
    "cr\r\nlf pair",
    "comma, inside",
    'a "quoted" word',
    '"quoted", with, commas\r\nand lines',
    "\rstarts with a carriage return",
    "ends with a line feed\n",
]
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
"""Control characters a terminal must never see from a name or a title (line feeds end rows)."""
HOSTILE_NAMES = [
    "Eve\x1b]0;pwned\x07",  # retitles the terminal
    "\x1b[2J\x1b[HClear",  # clears the screen
    "C1\x9b31mred",  # the C1 control sequence introducer
    "del\x7fete",
    "two\nlines",
    "tab\there",
]
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@pytest.fixture
def settings(tmp_path: Path, qapp):  # noqa: ANN001, ANN201
    from massage_timer.ui.settings import Settings

    return Settings(tmp_path / "settings.ini")


def add_session(
    store: Store, started: float, *, person: str = "Anna", title: str = "Honey massage", notes: str = ""
) -> str:
    sid = store.begin_session(SessionInfo("honey", title, person, 1, side="left"), started)
    store.save_step(sid, step_run(1, started))
    store.end_session(sid, "completed", started + 60)
    if notes:
        store.update_session(sid, notes=notes)
    return sid


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def spreadsheet(text: str) -> str:
    """What the CSV holds for ``text``: the text itself, formulas neutralised."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ------------------------------------------------------------------ CSV


def test_csv_keeps_its_rows_with_line_breaks_commas_and_quotes(capsys, data_dir, tmp_path) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    expected = []
    for i, text in enumerate(AWKWARD):
        sid = add_session(store, START + i * 3600, person=text, title=text, notes=text)
        expected.append((sid, text))
    store.close()
    target = tmp_path / "history.csv"
    assert run_cli(capsys, "history", "--csv", "--output", str(target)) == (0, "", "")
    rows = read_csv(target)
    assert len(rows) == 1 + len(AWKWARD)  # no row was split
    assert tuple(rows[0]) == CSV_COLUMNS
    column = {name: i for i, name in enumerate(CSV_COLUMNS)}
    for row, (sid, text) in zip(rows[1:], expected, strict=True):
        assert len(row) == len(CSV_COLUMNS)
        assert row[column["session_id"]] == sid
        for name in ("person", "protocol_title", "notes"):
            assert row[column[name]] == spreadsheet(text), (name, text)
    raw = target.read_bytes()
    assert raw.count(b"\r\n") >= len(rows)  # RFC 4180 row ends


def test_csv_byte_order_mark_is_an_option_with_one_default(capsys, data_dir, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    add_session(store, START, person="Zoë")
    store.close()

    def export(*flags: str) -> bytes:
        target = tmp_path / "out.csv"
        assert run_cli(capsys, "history", "--csv", *flags, "-o", str(target))[0] == 0
        assert read_csv(target)[1][CSV_COLUMNS.index("person")] == "Zoë"
        return target.read_bytes()

    assert export().startswith(b"\xef\xbb\xbfsession_id,")
    assert export("--bom").startswith(b"\xef\xbb\xbfsession_id,")
    assert export("--no-bom").startswith(b"session_id,")
    import massage_timer.core.log as log

    monkeypatch.setattr(log, "CSV_BOM_DEFAULT", False)  # what another default flips
    assert export().startswith(b"session_id,")
    assert export("--bom").startswith(b"\xef\xbb\xbf")


@posix_only
def test_exports_are_private_and_complete_or_not_there(capsys, data_dir, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    for i in range(3):
        add_session(store, START + i * 3600, notes=f"note {i}")
    store.close()
    out = tmp_path / "exports"
    out.mkdir()
    with umask(0o000):
        for fmt in ("--csv", "--json", None):
            target = out / f"export-{fmt}"
            assert run_cli(capsys, "history", *([fmt] if fmt else []), "-o", str(target))[0] == 0
            assert mode(target) == 0o600, fmt
        old = out / "old.csv"
        old.write_text("what was there before\n")
        os.chmod(old, 0o644)
        assert run_cli(capsys, "history", "--csv", "-o", str(old))[0] == 0
        assert mode(old) == 0o600 and len(read_csv(old)) == 4
    before = sorted(p.name for p in out.iterdir())
    real_row = export_module.csv_row
    calls = []

    def fail_on_the_second_row(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(1)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_row(*args, **kwargs)

    monkeypatch.setattr(export_module, "csv_row", fail_on_the_second_row)
    content = old.read_bytes()
    code, _, err = run_cli(capsys, "history", "--csv", "-o", str(old))
    assert code == 1 and f"{old} could not be written: the disk is full" in err
    assert old.read_bytes() == content  # the export that failed changed nothing
    assert sorted(p.name for p in out.iterdir()) == before  # and left no half file


@pytest.mark.parametrize("where", ["missing-folder", "file-as-folder"])
def test_an_export_that_cannot_be_written_names_the_file(capsys, tmp_path, where) -> None:  # noqa: ANN001
    if where == "file-as-folder":
        (tmp_path / "plain.txt").write_text("x")
        target = tmp_path / "plain.txt" / "export.csv"
    else:
        target = tmp_path / "no" / "such" / "export.csv"
    code, out, err = run_cli(capsys, "history", "--csv", "--output", str(target))
    assert (code, out) == (1, "")
    assert f"massage-timer: {target} could not be written: " in err.splitlines()[-1]
    assert not target.exists()


UNPRIVILEGED_EXPORT = """
import contextlib, io, json, sys
from massage_timer.cli import main
err = io.StringIO()
with contextlib.redirect_stderr(err):
    code = main(["--data-dir", sys.argv[1], "history", "--csv", "--output", sys.argv[2]])
print(json.dumps({"code": code, "err": err.getvalue()}))
"""


@posix_only
def test_an_export_into_a_read_only_folder_names_the_file(shared_tmp) -> None:  # noqa: ANN001
    folder = shared_tmp / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "export.csv"
    out = run_as_unprivileged(UNPRIVILEGED_EXPORT, str(shared_tmp / "data"), str(target))
    assert out["code"] == 1, out
    assert f"{target} could not be written: there is no permission to write there" in out["err"]
    assert "Traceback" not in out["err"] and list(folder.iterdir()) == []


# ------------------------------------------------------------------ the terminal


def test_history_prints_no_control_characters_and_one_line_per_session(capsys, data_dir, tmp_path) -> None:  # noqa: ANN001
    store, _ = open_store(data_dir.database)
    for i, name in enumerate(HOSTILE_NAMES):
        add_session(store, START + i * 3600, person=name, title=f"Routine {name}")
    store.close()
    code, out, _ = run_cli(capsys, "history")
    assert code == 0
    assert not CONTROL.search(out), repr(out)
    lines = out.splitlines()
    assert len(lines) == len(HOSTILE_NAMES)
    assert any("two⏎lines" in line for line in lines)
    assert any("Eve]0;pwned " in line for line in lines)  # the escape dropped, the letters shown
    # JSON keeps every character (escaped by JSON), to a terminal too
    code, out, _ = run_cli(capsys, "history", "--json")
    assert "\x1b" not in out and "\\u001b" in out
    assert sorted(s["person"] for s in json.loads(out)) == sorted(HOSTILE_NAMES)
    # CSV to a file keeps them too
    target = tmp_path / "h.csv"
    assert run_cli(capsys, "history", "--csv", "-o", str(target))[0] == 0
    persons = [row[CSV_COLUMNS.index("person")] for row in read_csv(target)[1:]]
    assert sorted(persons) == sorted(spreadsheet(n) for n in HOSTILE_NAMES)


def test_protocols_prints_no_control_characters_from_files(capsys, data_dir) -> None:  # noqa: ANN001
    honey = (builtin_protocols_dir() / "honey.toml").read_text(encoding="utf-8")
    (data_dir.protocols / "evil\x1b]0;pwned\x07.toml").write_text(honey.replace('id = "honey"', 'id = "evil"', 1))
    titled = honey.replace('id = "honey"', 'id = "titled"', 1)
    titled = titled.replace('title = "Honey massage"', 'title = "Honey\\u001b[2J\\u001b[H massage"', 1)
    (data_dir.protocols / "titled.toml").write_text(titled)
    code, out, _ = run_cli(capsys, "protocols")
    assert code == 0
    assert not CONTROL.search(out), repr(out)
    lines = out.splitlines()
    assert len(lines) == 5 + 2
    broken = next(line for line in lines if line.startswith("titled"))
    assert "BROKEN" in broken and "title: contains a control character (U+001B)" in broken
    assert any("evil]0;pwned.toml" in line for line in lines)
    code, out, _ = run_cli(capsys, "protocols", "--json")
    assert any(row["file"].endswith("evil\x1b]0;pwned\x07.toml") for row in json.loads(out))


def test_printable_shows_line_breaks_and_drops_control_characters() -> None:
    from massage_timer.core.text import printable

    assert printable("plain text, café") == "plain text, café"
    assert printable("a\r\nb\rc\nd\u2028e") == "a⏎b⏎c⏎d⏎e"
    assert printable("\x1b]0;t\x07\x1b[2J\x9b1m\x7f\x00x\ty") == "]0;t[2J1mx y"


# ------------------------------------------------------------------ protocol files

HONEY = builtin_protocols_dir() / "honey.toml"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('title = "Honey massage"', 'title = "Honey massage\\u001b]0;pwned\\u0007"', "title: (U+001B)"),
        ('title = "Let the honey absorb"', 'title = "Let the honey absorb\\u009b2J"', "steps[1].title: (U+009B)"),
        ('id = "absorb"', 'id = "absorb\\n"', "steps[1].id: (U+000A)"),
        ("spinal injury?", "spinal injury?\\u0007", "contraindications[1].question: (U+0007)"),
        ('"A cloth and warm water"', '"A cloth and\\nwarm water"', "equipment[2]: (U+000A)"),
        ("The article gives 2 to 3 minutes.", "The article gives\\u001b 2", "steps[1].instructions: (U+001B)"),
        ("The article gives 2 to 3 minutes.", "The article gives\\t2 to 3\\nminutes.", None),  # multi-line: fine
    ],
    ids=["title", "step-title-c1", "step-id-newline", "question-bel", "equipment-newline", "instructions-esc", "ok"],
)
def test_check_refuses_control_characters_with_the_place(capsys, data_dir, tmp_path, old, new, problem) -> None:  # noqa: ANN001
    text = HONEY.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    path = tmp_path / "my.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, err = run_cli(capsys, "check", str(path))
    if problem is None:
        assert (code, out, err) == (0, f"{path}: ok\n", "")
        return
    where, code_point = problem.split(": ")
    assert code == 1 and out == ""
    assert f"{path}: {where}: contains a control character {code_point}" in err.splitlines()
    assert not CONTROL.search(err)
    (data_dir.protocols / "my.toml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    entry = next(e for e in load_library(data_dir.protocols).entries if e.path.name == "my.toml")
    assert entry.loaded is None and f"{where}: contains a control character" in str(entry.error)


def test_an_unknown_key_with_an_escape_sequence_is_quoted_escaped(capsys, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "key.toml"
    text = HONEY.read_text(encoding="utf-8").replace("source = ", '"sou\\u001b[2Jrce" = "x"\nsource = ', 1)
    path.write_text(text, encoding="utf-8")
    code, _, err = run_cli(capsys, "check", str(path))
    assert code == 1 and "unknown field `sou\\x1b[2Jrce`" in err and "\x1b" not in err


def test_a_protocol_saved_with_a_byte_order_mark_loads(capsys, data_dir) -> None:  # noqa: ANN001
    path = data_dir.protocols / "notepad.toml"
    path.write_bytes(b"\xef\xbb\xbf" + HONEY.read_bytes().replace(b"\n", b"\r\n"))  # as Windows Notepad saves
    assert run_cli(capsys, "check", str(path)) == (0, f"{path}: ok\n", "")
    entry = next(e for e in load_library(data_dir.protocols).entries if e.path == path)
    assert entry.loaded is not None and entry.loaded.protocol.title == "Honey massage"
    assert entry.loaded.protocol.summary.startswith("Slightly warmed honey")


# ------------------------------------------------------------------ folders


@posix_only
def test_folders_the_app_creates_are_user_only(tmp_path) -> None:  # noqa: ANN001
    os.chmod(tmp_path, 0o755)
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o755)
    os.chmod(mine, 0o755)
    with umask(0o000):
        paths = DataPaths(tmp_path / "usb" / "portable" / "data").ensure()
        store, _ = open_store(paths.database, backups=paths.backups)
        make_backup(store, paths.backups)
        store.close()
        log_folder = tmp_path / "other" / "deep" / "log"
        open_store(log_folder / "sessions.sqlite3")[0].close()
        DataPaths(mine).ensure()  # an existing --data-dir: left as the user made it
    created = [
        tmp_path / "usb",
        tmp_path / "usb" / "portable",
        paths.root,
        paths.protocols,
        paths.backups,
        tmp_path / "other",
        tmp_path / "other" / "deep",
        log_folder,
        mine / "protocols",
    ]
    assert {p.relative_to(tmp_path).as_posix(): oct(mode(p)) for p in created} == {
        p.relative_to(tmp_path).as_posix(): oct(0o700) for p in created
    }
    assert mode(mine) == 0o755 and mode(tmp_path) == 0o755


# ------------------------------------------------------------------ notes


def test_the_log_refuses_notes_over_the_limit(store) -> None:  # noqa: ANN001
    sid = add_session(store, START)
    store.update_session(sid, notes="x" * MAX_NOTES)
    assert len(store.session(sid).notes) == MAX_NOTES
    with pytest.raises(StoreError) as refused:  # every place that saves notes already says so
        store.update_session(sid, notes="y" * (MAX_NOTES + 1), pain_after=3)
    from massage_timer.core.log import NotesTooLong
    from massage_timer.core.text import MAX_NOTES as limit

    assert limit == MAX_NOTES and isinstance(refused.value, NotesTooLong)
    assert str(store.path) in str(refused.value) and f"{MAX_NOTES + 1:,}" in str(refused.value)
    after = store.session(sid)
    assert after.notes == "x" * MAX_NOTES and after.pain_after is None  # nothing of it was written


def _boxes(qtbot, store, settings):  # noqa: ANN001, ANN202
    from massage_timer.ui.history.detail import SessionDetail
    from massage_timer.ui.pages.session.finish import FinishPanel

    finish = FinishPanel()
    detail = SessionDetail()
    for widget in (finish, detail):
        qtbot.addWidget(widget)
        widget.show()
    sid = add_session(store, START)
    detail.show_session(store.session(sid), store.steps(sid))
    return {"finish": finish, "history": detail}


@pytest.mark.parametrize("box", ["finish", "history"])
def test_the_notes_boxes_take_at_most_the_limit_and_say_so(qtbot, store, settings, box) -> None:  # noqa: ANN001
    panel = _boxes(qtbot, store, settings)[box]
    notes = panel.notes
    notes.setPlainText("a" * (MAX_NOTES - 2))
    notes.moveCursor(notes.textCursor().MoveOperation.End)
    qtbot.keyClicks(notes, "xyz")
    assert notes.toPlainText() == "a" * (MAX_NOTES - 2) + "xy"  # the box refused the third
    assert f"{MAX_NOTES:,} / {MAX_NOTES:,}" in notes.counter.text() and "full" in notes.counter.text()
    notes.setPlainText("")
    QApplication.clipboard().setText("b" * (MAX_NOTES + 500) + "end")
    notes.paste()
    assert notes.toPlainText() == "b" * MAX_NOTES  # the first 20,000 kept
    assert "503 characters of it were not added" in notes.counter.text()
    notes.undo()
    assert notes.toPlainText() == ""  # one undo takes back the whole paste
    qtbot.keyClicks(notes, "abc")
    assert notes.toPlainText() == "abc"
    assert notes.counter.isVisible() and notes.counter.text() == f"3 / {MAX_NOTES:,} characters"


def test_an_older_longer_note_is_shown_in_full_and_never_cut(qtbot, store, settings, tmp_path) -> None:  # noqa: ANN001
    from massage_timer.ui.history.report import build_document
    from massage_timer.ui.pages.history import HistoryPage

    long_note = " ".join(f"word{i}" for i in range(4000))  # about 35,000 characters, from an older version
    sid = add_session(store, START)
    store.conn.execute("UPDATE sessions SET notes=? WHERE id=?", (long_note, sid))
    page = HistoryPage(store, settings)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    page._select_row(0)
    box = page.detail.notes
    assert box.toPlainText() == long_note
    assert f"{len(long_note):,} / {MAX_NOTES:,}" in box.counter.text() and "kept in full" in box.counter.text()
    box.moveCursor(box.textCursor().MoveOperation.End)
    qtbot.keyClicks(box, "more")
    assert box.toPlainText() == long_note and not page.detail.save_button.isEnabled()
    assert store.session(sid).notes == long_note
    text = build_document(store, Filter(person="Anna"))[0].toPlainText()
    assert long_note in text.replace("\n", "")  # the report prints it whole
    # shortened below the limit, it can be saved
    cursor = box.textCursor()
    cursor.setPosition(MAX_NOTES)
    cursor.movePosition(cursor.MoveOperation.End, cursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    assert page.detail.save_button.isEnabled()
    page.detail.save_button.click()
    assert store.session(sid).notes == long_note[:MAX_NOTES]


# ------------------------------------------------------------------ the report


def one_mb_note() -> str:
    words = ("pain", "better", "warm", "lower back", "slept well", "honey")
    return " ".join(words[i % len(words)] for i in range(200_000))[:1_000_000]


def report_page(qtbot, store, settings, target: Path, monkeypatch):  # noqa: ANN001, ANN202
    from massage_timer.ui.pages.history import HistoryPage

    # Windows of earlier tests are deleted now, not while the report is measured.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    page = HistoryPage(store, settings)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)
    page.repaint()  # painted before the report starts, as a window the user looks at is
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF files (*.pdf)"))
    return page


@posix_only
def test_a_report_with_a_1_mb_note_leaves_the_window_responsive(qtbot, store, settings, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    for i in range(20):
        add_session(store, START + i * 86400, notes="fine")
    note = one_mb_note()
    sid = add_session(store, START + 30 * 86400)
    store.conn.execute("UPDATE sessions SET notes=? WHERE id=?", (note, sid))
    target = tmp_path / "report.pdf"
    page = report_page(qtbot, store, settings, target, monkeypatch)
    ticks: list[float] = []
    shown: list[str] = []

    def tick() -> None:
        ticks.append(time.perf_counter())
        dialog = page.findChild(QProgressDialog)
        if dialog is not None and dialog.isVisible():
            shown.append(dialog.labelText())

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    timer.start()
    with umask(0o000):
        started = time.perf_counter()
        page.report_button.click()
        returned = time.perf_counter() - started
        qtbot.waitUntil(lambda: "saved as" in page.count_label.text(), timeout=180_000)
    timer.stop()
    assert returned < 1.0  # the click only starts the report
    assert page.count_label.text() == "Report of 21 sessions saved as report.pdf"
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) >= 10 and max(gaps) < 1.0, (len(ticks), max(gaps))  # the event loop kept running
    assert shown and any("page" in text for text in shown)  # a progress dialog said how far it got
    assert target.read_bytes().startswith(b"%PDF") and mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "existing-file"])
def test_cancelling_a_report_leaves_no_file(qtbot, store, settings, tmp_path, monkeypatch, existing) -> None:  # noqa: ANN001
    sid = add_session(store, START)
    store.conn.execute("UPDATE sessions SET notes=? WHERE id=?", (one_mb_note(), sid))
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "report.pdf"
    if existing:
        target.write_bytes(b"%PDF an older report")
    page = report_page(qtbot, store, settings, target, monkeypatch)
    page.report_button.click()
    dialog = page.findChild(QProgressDialog)
    assert dialog is not None
    cancel = dialog.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    with qtbot.waitSignal(page.report_finished, timeout=60_000) as finished:
        cancel.click()
    assert finished.args[0].cancelled
    assert sorted(p.name for p in folder.iterdir()) == (["report.pdf"] if existing else [])
    if existing:
        assert target.read_bytes() == b"%PDF an older report"
    assert "Report cancelled" in page.count_label.text() and page.report_button.isEnabled()


def test_a_report_that_cannot_be_written_names_the_file(qtbot, store, settings, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from massage_timer.ui.history.report import write_report
    from massage_timer.ui.pages import history as module

    add_session(store, START)
    target = tmp_path / "missing" / "report.pdf"
    with pytest.raises(OSError) as failed:
        write_report(store, Filter(person="Anna"), target)
    assert failed.value.filename == str(target)
    told: list[str] = []
    monkeypatch.setattr(module, "tell", lambda _parent, _title, text, warning=False: told.append(text))
    page = report_page(qtbot, store, settings, target, monkeypatch)
    with qtbot.waitSignal(page.report_finished, timeout=60_000) as finished:
        page.report_button.click()
    assert str(target) in finished.args[0].error
    assert len(told) == 1 and f"{target} could not be written: the folder does not exist" in told[0]
    assert not target.parent.exists()


@posix_only
def test_history_export_is_private_with_a_byte_order_mark(qtbot, store, settings, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from massage_timer.ui.pages.history import CSV_FILTERS, HistoryPage

    add_session(store, START, person="line\rbreak")
    page = HistoryPage(store, settings)
    qtbot.addWidget(page)
    for rows_kind, name in (("sessions", "sessions.csv"), ("steps", "steps.csv")):
        target = tmp_path / name
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *a, t=target, k=rows_kind, **kw: (str(t), CSV_FILTERS[k])
        )
        with umask(0o000):
            page.export_button.click()
        assert mode(target) == 0o600
        assert target.read_bytes().startswith(b"\xef\xbb\xbfsession_id,")
        rows = read_csv(target)
        if rows_kind == "sessions":
            assert len(rows) == 2 and rows[1][CSV_COLUMNS.index("person")] == "line\rbreak"
        else:
            assert len(rows) == 2 and rows[0][:2] == ["session_id", "seq"]


def test_a_1_mb_note_makes_a_short_tooltip(qtbot, store) -> None:  # noqa: ANN001
    from PySide6.QtCore import Qt

    from massage_timer.ui.history.model import COL_PERSON, HistoryModel

    sid = add_session(store, START)
    store.conn.execute("UPDATE sessions SET notes=? WHERE id=?", ("<b>" + one_mb_note(), sid))
    model = HistoryModel(store)
    model.set_filter(Filter())
    tip = model.data(model.index(0, COL_PERSON), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("<p style='white-space:pre-wrap'>&lt;b&gt;pain better")  # still literal
    assert len(tip) < 2_000 and f"{1_000_003 - 600:,} more characters" in tip
