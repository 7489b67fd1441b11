"""Light and dark palettes, the system scheme, and the text size.

The app uses Qt's Fusion style with its own palettes so that it looks the
same everywhere and follows the system's light/dark preference (or the
user's choice in Settings). All sizes in style sheets are relative to the
application font, which scales with the system font and the text-size
setting.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#d9822b"
"""The accent colour of the illustrations: "where to act", and the app's highlight."""
TEAL = "#2a7f86"


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def is_dark(theme: str) -> bool:
    if theme == "dark":
        return True
    if theme == "light":
        return False
    return system_is_dark()


def _palette(dark: bool) -> QPalette:
    p = QPalette()
    if dark:
        colors = {
            QPalette.ColorRole.Window: "#1f2326",
            QPalette.ColorRole.WindowText: "#e8eaeb",
            QPalette.ColorRole.Base: "#171a1c",
            QPalette.ColorRole.AlternateBase: "#252a2e",
            QPalette.ColorRole.Text: "#e8eaeb",
            QPalette.ColorRole.Button: "#2c3236",
            QPalette.ColorRole.ButtonText: "#e8eaeb",
            QPalette.ColorRole.Highlight: "#3a9aa3",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2c3236",
            QPalette.ColorRole.ToolTipText: "#e8eaeb",
            QPalette.ColorRole.PlaceholderText: "#8b9398",
            QPalette.ColorRole.Link: "#6cc3cb",
            QPalette.ColorRole.Mid: "#5a646b",
            QPalette.ColorRole.Light: "#4a545a",
            QPalette.ColorRole.Dark: "#7d878d",
            QPalette.ColorRole.Shadow: "#000000",
        }
        disabled = "#6b7378"
    else:
        colors = {
            QPalette.ColorRole.Window: "#f4f5f2",
            QPalette.ColorRole.WindowText: "#1d2428",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#eef1ef",
            QPalette.ColorRole.Text: "#1d2428",
            QPalette.ColorRole.Button: "#e7eae7",
            QPalette.ColorRole.ButtonText: "#1d2428",
            QPalette.ColorRole.Highlight: TEAL,
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1d2428",
            QPalette.ColorRole.PlaceholderText: "#7a8388",
            QPalette.ColorRole.Link: "#1f6b72",
            QPalette.ColorRole.Mid: "#c9cfcc",
            QPalette.ColorRole.Light: "#ffffff",
            QPalette.ColorRole.Dark: "#9aa3a0",
        }
        disabled = "#9aa19e"
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return p


_BASE_POINT_SIZE: float | None = None


def _check_mark_url() -> str:
    from ..core.resources import ResourceError, resource_path

    try:
        return resource_path("icons/check.svg").as_posix()
    except ResourceError:
        return ""


def style_sheet(dark: bool, pt: float = 10.0) -> str:
    """The app style sheet; font sizes are computed from the base point size ``pt``."""

    def em(factor: float) -> str:
        return f"{pt * factor:.1f}pt"

    def px(factor: float) -> str:
        return f"{round(pt * 96 / 72 * factor)}px"

    card = "#262b2f" if dark else "#ffffff"
    border = "#394046" if dark else "#d5dad7"
    muted = "#9aa3a8" if dark else "#5d676c"
    side = "#191c1f" if dark else "#e9ece8"
    danger = "#e0675a" if dark else "#b3362b"
    button = "#323a3f" if dark else "#f9faf8"
    card_selected = "#24383b" if dark else "#eef6f6"
    check = _check_mark_url()
    border_strong = "#56616a" if dark else "#b4bcb8"
    ok = "#5fbf8a" if dark else "#2f7d4f"
    return f"""
    QWidget#Sidebar {{ background: {side}; }}
    QListWidget#SidebarList {{ background: transparent; border: none; font-size: {em(1.15)}; outline: 0; }}
    QListWidget#ProtocolList {{ background: palette(window); border: none; outline: 0; }}
    QListWidget#ProtocolList::item, QListWidget#ProtocolList::item:selected {{ background: transparent; border: none; }}
    QListWidget#SidebarList::item {{ padding: 0.6em 0.8em; border-radius: 6px; margin: 2px 6px; }}
    QListWidget#SidebarList::item:selected {{ background: {TEAL}; color: white; }}
    QFrame#Card {{ background: {card}; border: 1px solid {border}; border-radius: 10px; }}
    QFrame#Card[selected="true"] {{ border: 2px solid {TEAL}; background: {card_selected}; }}
    QLabel[role="muted"] {{ color: {muted}; }}
    QLabel[role="title"] {{ font-size: {em(1.6)}; font-weight: 600; }}
    QLabel[role="heading"] {{ font-size: {em(1.25)}; font-weight: 600; }}
    QLabel[role="danger"] {{ color: {danger}; font-weight: 600; }}
    QLabel[role="ok"] {{ color: {ok}; font-weight: 600; }}
    QLabel[role="badge"] {{ border: 1px solid {border}; border-radius: 8px; padding: 1px 8px; }}
    QLabel[role="warnbadge"] {{ border: 1px solid {danger}; color: {danger}; border-radius: 8px; padding: 1px 8px; }}
    QPushButton {{ padding: 0.35em 1em; border-radius: 6px; background: {button}; border: 1px solid {border_strong}; }}
    QPushButton:hover {{ border-color: {TEAL}; }}
    QPushButton:pressed {{ background: {border}; }}
    QPushButton:focus {{ border: 2px solid {TEAL}; }}
    QPushButton:disabled {{ color: {muted}; background: {side}; }}
    QPushButton[role="primary"]:hover {{ background: #23707a; }}
    QPushButton[role="big"] {{ font-size: {em(1.35)}; padding: 0.6em 1.3em; min-height: 2.2em; border-radius: 10px; }}
    QPushButton[role="primary"] {{ background: {TEAL}; color: white; border: none; font-weight: 600; }}
    QPushButton[role="primary"]:disabled {{ background: {border}; color: {muted}; }}
    QPushButton[role="danger"] {{ color: {danger}; }}
    QCheckBox::indicator, QRadioButton::indicator {{ width: {px(1.3)}; height: {px(1.3)}; border: 2px solid {border_strong}; background: {card}; }}
    QCheckBox::indicator {{ border-radius: 4px; }}
    QRadioButton::indicator {{ border-radius: {px(0.65)}; }}
    QCheckBox::indicator:hover, QRadioButton::indicator:hover {{ border-color: {TEAL}; }}
    QCheckBox::indicator:checked {{ background: {TEAL}; border-color: {TEAL}; image: url({check}); }}
    QRadioButton::indicator:checked {{ background: qradialgradient(cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5, stop:0 white, stop:0.35 white, stop:0.45 {TEAL}, stop:1 {TEAL}); border-color: {TEAL}; }}
    QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ background: {side}; }}
    QTextBrowser, QPlainTextEdit {{ border: 1px solid {border}; border-radius: 6px; }}
    """


def apply_theme(app: QApplication, theme: str, text_scale: int) -> bool:
    """Apply palette, style sheet and text size. Returns True when dark."""
    global _BASE_POINT_SIZE
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    dark = is_dark(theme)
    # First: widgets restyle themselves on the palette and font changes below and ask
    # current_is_dark() then; set after, they read the scheme that is going away.
    app.setProperty("massage_timer_dark", dark)
    app.setPalette(_palette(dark))
    if _BASE_POINT_SIZE is None:
        _BASE_POINT_SIZE = QGuiApplication.font().pointSizeF() or 10.0
    font = QFont(app.font())
    font.setPointSizeF(_BASE_POINT_SIZE * max(50, min(300, text_scale)) / 100.0)
    app.setFont(font)
    app.setStyleSheet(style_sheet(dark, font.pointSizeF()))
    return dark


def current_is_dark() -> bool:
    app = QApplication.instance()
    return bool(app.property("massage_timer_dark")) if app is not None else False
