"""The Help page: keys, safety, the sciatic nerve, prevention, a self-check, and About.

The clinical text here comes from the app's one source, the article
"Massage for sciatica: 4 types of therapeutic massage for inflammation of the
sciatic nerve". Anything that is not from the article is labelled as general
guidance. The app guides a routine; it never diagnoses.

The long texts are static HTML written here (no user or file content), shown
in QTextBrowsers that never follow links or load remote resources.
"""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal, qVersion
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ... import APP_NAME, __version__
from ...core.resources import ResourceError, resource_path
from ..shortcuts import GLOBAL_SHORTCUTS, SESSION_SHORTCUTS, Shortcut
from ..widgets.basics import app_icon, button, card, plain_label, render_svg, set_role

ARTICLE_TITLE = "Massage for sciatica: 4 types of therapeutic massage for inflammation of the sciatic nerve"

DISCLAIMER = (
    "Massage Timer guides massage routines step by step; it does not diagnose or treat and does not replace a doctor."
)

RED_FLAGS_TITLE = "General guidance — not from the article"
RED_FLAGS_TEXT = (
    "Seek medical care now if there is loss of bladder or bowel control, numbness in the "
    "saddle area (groin, buttocks, inner thighs), or leg weakness that gets worse quickly."
)

NANTES_MAIN = (
    "Pain in the area of innervation of the pudendal nerve: from the anus to the clitoris/head of the penis.",
    "The pain is felt worse when sitting.",
    "The pain does not cause awakenings at night.",
    "The pain is not accompanied by a decrease in tactile sensitivity.",
)
NANTES_ADDITIONAL = (
    "The pain is burning, shooting, stabbing, and may be accompanied by slight numbness.",
    "The pain worsens during the day and subsides after sleep.",
    "Mostly the pain appears on one side.",
    "Pain may be triggered by defecation.",
)
SELF_CHECK_ANY = (
    "These symptoms are worth discussing with a doctor. The article advises: "
    "if you notice these symptoms, consult a doctor immediately."
)
SELF_CHECK_NONE = "This checklist does not diagnose anything. If you have pain in this area, consult a doctor."

SAFETY_HTML = """
<h3>When massage is not used</h3>
<ul>
<li>Massage is not used for an exacerbation of sciatica. In the acute stage a
<b>relaxing massage</b> is the only thing you can do. <b>Honey massage</b> acts only on
the skin and is also acceptable in the acute stage.</li>
<li><b>Obvious contraindications:</b> purulent tissue lesions or skin diseases in the area
being massaged, and spinal injuries, which require caution and only a qualified approach
(depending on the doctor's indications).</li>
<li><b>Therapeutic massage</b> (massotherapy) uses intense techniques such as squeezing,
rubbing and vibration. It is used only in remission, in the absence of an exacerbation,
and should only be performed by a specialist.</li>
<li>During pain, avoid intense techniques: <b>vibration, tapping, strong rubbing</b>.
They only increase the spasm.</li>
<li>Any massage for sciatica is done with caution because the spinal cord is close to the
site of inflammation. Ideally even a relaxing massage is left to a professional; if there
are no contraindications or spinal injuries, loved ones can help with it at home.</li>
<li>A full acupressure massage should only be performed by a specialist; stimulating a few
standard points can be done on your own.</li>
</ul>

<h3>Cupping</h3>
<ul>
<li>Do not use large jars or bottles instead of jars: this can lead to injury.</li>
<li>For the “torch”, use only natural cotton wool and alcohol, never synthetic materials.</li>
<li>Moving cups may be a little painful, but should not hurt too much. With honey massage,
do not overdo it and listen to the person's feelings.</li>
</ul>

<h3>When to see a doctor</h3>
<p>The article names symptoms that point to a hernia, pinching or inflammation:</p>
<ul>
<li>decreased reflexes (Achilles, knee and plantar);</li>
<li>tingling and burning sensations in the leg;</li>
<li>weakness in the leg muscles and numbness of the limbs;</li>
<li>severe tingling pain.</li>
</ul>
<p>Before any treatment is prescribed, a specialist must find the cause of the discomfort,
and the doctor sets the treatment individually. Taking strong painkillers on their own is
not a treatment: they only relieve symptoms for a while, do not address the cause, and the
article calls this not effective and even dangerous. When there is inflammation, massage
is only an auxiliary method and drug treatment cannot be ignored.</p>
"""

NERVE_HTML = """
<h3>The sciatic nerve</h3>
<p>The sciatic nerve is the largest nerve in the human body, most often as thick as a thumb.
It runs from the waist to the knee, where it divides in two. Many small nerve endings leave
it; they serve the hip, the knee joint and the foot.</p>
<p><b>Sciatica</b> is a pain syndrome caused by inflammation of the sciatic nerve and/or
pinching of the roots coming from the spinal cord; it is located in the lumbar region.
When the nerve is pinched, pain passes through the hip joint into the leg and can cause
numbness. Massage is aimed at the area where the pinching occurred.</p>

<h3>Symptoms named in the article</h3>
<ul>
<li>acute pain in the buttocks (may get worse when sitting, coughing, sneezing);</li>
<li>shooting pains when standing up;</li>
<li>pain in the buttock radiating down the leg to the foot, sometimes more severe than in
the lower back;</li>
<li>numbness, burning, tingling and “goosebumps” in the leg.</li>
</ul>
<p>It is usually one-sided, but pain in both legs also occurs.</p>

<h3>Which part of the nerve</h3>
<ul>
<li><b>Upper</b> (funiculitis)</li>
<li><b>Medium</b> (plexitis)</li>
<li><b>Lower</b> (trunculitis)</li>
</ul>
<p>Depending on the part of the nerve involved, the arms or the legs are massaged in
addition to the back.</p>
"""

PREVENTION_HTML = """
<h3>Preventing a pinched sciatic nerve</h3>
<p>The article's simple rules:</p>
<ul>
<li>Lead a healthy lifestyle with adequate exercise.</li>
<li>Light running or swimming strengthen the muscle corset.</li>
<li>Keep your weight in check: excess weight strains the entire body.</li>
<li>Take care of your sleep: a good orthopedic mattress helps.</li>
<li>At the computer, watch your posture and lean on the back of your chair.</li>
<li>In sport, take the risks of each exercise into account and avoid exhausting exercises;
judge weights in the gym realistically.</li>
<li>When you lift something heavy at home, put the load on your legs, not your back.</li>
</ul>
<p>The article also names what can lead to pain: sudden lifting of weights, prolonged
stress on the spine (people who work with heavy loads are at risk), and a sedentary
lifestyle such as office work.</p>
"""


DOC_CSS = "h3 { margin-top: 18px; margin-bottom: 6px; } li { margin-bottom: 5px; } p { margin-bottom: 8px; }"
READABLE_CHARS = 110
"""Documents are no wider than about this many average characters, for easy reading."""


def _browser(html: str) -> QTextBrowser:
    """A read-only rich-text view of static HTML that follows no link and loads nothing."""
    view = QTextBrowser()
    view.setOpenExternalLinks(False)
    view.setOpenLinks(False)
    view.setSearchPaths([])
    view.document().setDefaultStyleSheet(DOC_CSS)
    view.document().setDocumentMargin(4)
    view.setHtml(html)
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setStyleSheet("QTextBrowser { border: none; }")
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Base, QColor(0, 0, 0, 0))
    view.setPalette(palette)
    return view


class _Readable(QWidget):
    """Holds ``inner`` at a comfortable reading width (in characters), left-aligned."""

    def __init__(self, inner: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inner = inner
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(inner, 1)
        layout.addStretch(0)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        self.inner.setMaximumWidth(self.fontMetrics().averageCharWidth() * READABLE_CHARS + 40)


def relayout_scroll_area(widget: QWidget) -> None:
    """Make the scroll area around ``widget`` re-measure its content now.

    QScrollArea does not notice when a wrapped label inside it needs more lines
    (height-for-width), so text that grows after the page is shown would be cut off.
    """
    chain: list[QWidget] = []
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        chain.append(parent)
        parent = parent.parentWidget()
    if parent is None:
        return
    for w in chain:
        if w.layout() is not None:
            w.layout().invalidate()
    QCoreApplication.sendEvent(parent, QEvent(QEvent.Type.LayoutRequest))


def _scrolling(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    return area


class _Illustration(QLabel):
    """An SVG redrawn crisply whenever the label is resized, kept at the top."""

    def __init__(self, path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path = path
        renderer = QSvgRenderer(str(path))
        view = renderer.viewBoxF()
        self._aspect = view.height() / view.width() if view.width() > 0 else 0.75
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(200, 150)

    def sizeHint(self) -> QSize:  # noqa: D102
        return QSize(400, round(400 * self._aspect))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        width = self.width()
        height = min(self.height(), round(width * self._aspect))
        self.setPixmap(render_svg(self._path, QSize(width, height), self.devicePixelRatioF()))


ALL_SHORTCUTS = SESSION_SHORTCUTS + GLOBAL_SHORTCUTS


def _keys_text(shortcut: Shortcut) -> str:
    return "  or  ".join(shortcut.keys)


class _KeyTable(QTableWidget):
    """A short table exactly as tall as its rows, so it never scrolls inside the page.

    The keys column is as wide as the longest keys of *all* shortcut tables, so
    that the tables on the page line up.
    """

    def refit(self) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        widest = max(QFontMetrics(bold).horizontalAdvance(_keys_text(s)) for s in ALL_SHORTCUTS)
        self.horizontalHeader().setMinimumSectionSize(widest + 16)
        row_height = self.fontMetrics().height() + 14
        for row in range(self.rowCount()):
            self.setRowHeight(row, row_height)
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.refit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.refit()


class _RedFlagBox(QFrame):
    """A box in the danger colour of the current light or dark theme."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RedFlags")
        self._restyle()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._restyle()

    def _restyle(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        border, fill = ("#e0675a", "#3a2624") if dark else ("#b3362b", "#fbeeec")
        style = f"QFrame#RedFlags {{ border: 2px solid {border}; border-radius: 10px; background: {fill}; }}"
        if self.styleSheet() != style:
            self.setStyleSheet(style)


class HelpPage(QWidget):
    """Help and About, in tabs."""

    self_test_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(plain_label("Help", "title"))

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.addTab(self._keyboard_tab(), "Keyboard")
        self.tabs.addTab(self._safety_tab(), "Safety")
        self.tabs.addTab(self._nerve_tab(), "Sciatic nerve")
        self.tabs.addTab(self._prevention_tab(), "Prevention")
        self.tabs.addTab(self._self_check_tab(), "Pudendal self-check")
        self.tabs.addTab(self._about_tab(), "About")
        layout.addWidget(self.tabs, 1)

    def show_tab(self, title: str) -> None:
        """Bring the tab whose title starts with ``title`` to the front."""
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i).startswith(title):
                self.tabs.setCurrentIndex(i)
                return
        raise KeyError(title)

    # Keyboard ----------------------------------------------------------------

    def _keyboard_tab(self) -> QWidget:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 16, 4, 16)
        column.setSpacing(10)

        pedal = card()
        pedal_layout = QVBoxLayout(pedal)
        pedal_layout.setContentsMargins(16, 12, 16, 12)
        pedal_layout.addWidget(
            plain_label(
                "The session keys work wherever the focus is in the window, so a USB foot "
                "pedal that sends keys (for example Space or Right) can drive a session "
                "while your hands are busy."
            )
        )
        column.addWidget(pedal)

        column.addSpacing(6)
        column.addWidget(plain_label("During a session", "heading"))
        self.session_table = self._shortcut_table(SESSION_SHORTCUTS)
        column.addWidget(self.session_table)
        column.addSpacing(6)
        column.addWidget(plain_label("Anywhere in the app", "heading"))
        self.global_table = self._shortcut_table(GLOBAL_SHORTCUTS)
        column.addWidget(self.global_table)
        column.addStretch(1)
        return _scrolling(_Readable(content))

    @staticmethod
    def _shortcut_table(shortcuts: tuple[Shortcut, ...]) -> QTableWidget:
        table = _KeyTable(len(shortcuts), 2)
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for row, shortcut in enumerate(shortcuts):
            keys = QTableWidgetItem(_keys_text(shortcut))
            font = keys.font()
            font.setBold(True)
            keys.setFont(font)
            table.setItem(row, 0, keys)
            table.setItem(row, 1, QTableWidgetItem(shortcut.label))
        table.refit()
        return table

    # Safety ------------------------------------------------------------------

    def _safety_tab(self) -> QWidget:
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(4, 16, 4, 8)
        column.setSpacing(12)

        self.disclaimer_label = plain_label(DISCLAIMER, "heading")
        column.addWidget(self.disclaimer_label)
        column.addWidget(plain_label(f"From the article “{ARTICLE_TITLE}”:", "muted"))

        self.safety_text = _browser(SAFETY_HTML)
        column.addWidget(self.safety_text, 1)

        self.red_flags = _RedFlagBox()
        box = QVBoxLayout(self.red_flags)
        box.setContentsMargins(16, 12, 16, 14)
        box.setSpacing(6)
        self.red_flags_title = plain_label(RED_FLAGS_TITLE, "danger")
        self.red_flags_text = plain_label(RED_FLAGS_TEXT)
        box.addWidget(self.red_flags_title)
        box.addWidget(self.red_flags_text)
        column.addWidget(self.red_flags)
        return _Readable(inner)

    # Sciatic nerve -------------------------------------------------------------

    def _nerve_tab(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(4, 16, 4, 8)
        row.setSpacing(16)
        self.nerve_illustration: QLabel | None = None
        try:
            path = resource_path("illustrations/sciatic-nerve-map.svg")
        except ResourceError:
            path = None
        if path is not None:
            self.nerve_illustration = _Illustration(path)
            self.nerve_illustration.setAccessibleName("Map of the sciatic nerve")
            row.addWidget(self.nerve_illustration, 5)
        self.nerve_text = _browser(NERVE_HTML)
        row.addWidget(self.nerve_text, 6)
        return page

    # Prevention ----------------------------------------------------------------

    def _prevention_tab(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(4, 16, 4, 8)
        self.prevention_text = _browser(PREVENTION_HTML)
        column.addWidget(_Readable(self.prevention_text))
        return page

    # Self-check ----------------------------------------------------------------

    def _self_check_tab(self) -> QWidget:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 16, 4, 16)
        column.setSpacing(10)
        column.addWidget(
            plain_label(
                "The article lists the Nantes criteria: clinical criteria that suggest pudendal "
                "nerve neuropathy. Answer for yourself whether you have these symptoms. "
                "Nothing you tick here is saved."
            )
        )

        self.criteria_boxes: list[QCheckBox] = []
        self.criteria_labels: list[QLabel] = []
        for heading, criteria in (
            ("Main criteria", NANTES_MAIN),
            ("Additional criteria", NANTES_ADDITIONAL),
        ):
            column.addSpacing(6)
            column.addWidget(plain_label(heading, "heading"))
            for text in criteria:
                column.addWidget(self._criterion(text))

        column.addSpacing(8)
        self.result_frame = card()
        self.result_frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        result_layout = QHBoxLayout(self.result_frame)
        result_layout.setContentsMargins(16, 12, 16, 12)
        result_layout.setSpacing(12)
        self.self_check_result = plain_label("")
        result_layout.addWidget(self.self_check_result, 1)
        self.clear_button = button("Clear", tooltip="Untick every box")
        self.clear_button.clicked.connect(self._clear_self_check)
        result_layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addWidget(self.result_frame)
        column.addWidget(
            plain_label(
                "The article adds that a doctor can carry out special manual tests and electrophysiological studies.",
                "muted",
            )
        )
        column.addStretch(1)
        self._update_self_check()
        return _scrolling(_Readable(content))

    def _criterion(self, text: str) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.setSpacing(8)
        check = QCheckBox()
        check.setAccessibleName(text)
        check.setProperty("criterion", text)
        check.toggled.connect(self._update_self_check)
        label = plain_label(text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        label.setBuddy(check)
        label.mousePressEvent = lambda _event: check.toggle()  # type: ignore[method-assign]
        layout.addWidget(check, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(label, 1)
        self.criteria_boxes.append(check)
        self.criteria_labels.append(label)
        return row

    def _update_self_check(self) -> None:
        if any(box.isChecked() for box in self.criteria_boxes):
            self.self_check_result.setText(SELF_CHECK_ANY)
            set_role(self.self_check_result, "danger")
        else:
            self.self_check_result.setText(SELF_CHECK_NONE)
            set_role(self.self_check_result, "")
        self.self_check_result.updateGeometry()
        relayout_scroll_area(self.self_check_result)

    def _clear_self_check(self) -> None:
        for box in self.criteria_boxes:
            box.setChecked(False)

    # About ---------------------------------------------------------------------

    def _about_tab(self) -> QWidget:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 20, 4, 16)
        column.setSpacing(10)
        head = QHBoxLayout()
        head.setSpacing(16)
        icon = app_icon()
        if not icon.isNull():
            logo = QLabel()
            side = max(48, self.fontMetrics().height() * 4)
            logo.setPixmap(icon.pixmap(QSize(side, side)))
            head.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        names = QVBoxLayout()
        names.setSpacing(4)
        names.addWidget(plain_label(APP_NAME, "title"))
        names.addWidget(plain_label("A guided, illustrated session timer for massage routines against sciatica."))
        self.version_label = plain_label(f"Version {__version__}", "muted")
        names.addWidget(self.version_label)
        head.addLayout(names, 1)
        column.addLayout(head)
        column.addSpacing(8)
        column.addWidget(plain_label(DISCLAIMER))
        column.addWidget(plain_label(f"Content source: the article ‘{ARTICLE_TITLE}’."))
        column.addWidget(plain_label("Your data folder is shown in Settings."))
        column.addWidget(plain_label("License: MIT"))
        column.addSpacing(8)
        self.versions_label = plain_label(
            f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version} · "
            f"{platform.system() or 'unknown system'}",
            "muted",
        )
        column.addWidget(self.versions_label)
        column.addSpacing(12)
        self.self_test_button = button(
            "Run self-test",
            tooltip="Check that sounds, voice, illustrations and the session log work here",
        )
        self.self_test_button.clicked.connect(self.self_test_requested)
        row = QHBoxLayout()
        row.addWidget(self.self_test_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        return _scrolling(_Readable(content))
