"""The setup sheet and the log's clients: the picker, a client's defaults and notes, remembered safety answers."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QPushButton, QRadioButton

from massage_timer.core.log.people import RememberedAnswer
from massage_timer.ui.pages.setup import SetupDialog, SetupResult
from massage_timer.ui.pages.setup_clients import LastAnswer, choice_names, client_at_start, last_answer_text

DAY = 86400.0
NOW = 1_795_000_000.0  # Nov 2026
PID = "classic-relaxing"


def _sheet(qtbot, library, settings, store, person: str = "") -> SetupDialog:  # noqa: ANN001
    dialog = SetupDialog(library.get(PID), settings, ["Me"], store=store, now=lambda: NOW)
    qtbot.addWidget(dialog)
    if person:
        dialog.person.setCurrentText(person)
    return dialog


def _radio(dialog: SetupDialog, item: str, answer: str) -> QRadioButton:
    return dialog.findChild(QRadioButton, f"contra-{item}-{answer}")


def _value(group) -> str | None:  # noqa: ANN001
    return None if group.checkedButton() is None else group.checkedButton().property("value")


def _choose(group, value: str) -> None:  # noqa: ANN001
    next(b for b in group.buttons() if b.property("value") == value).click()  # a click, as by hand


def _last(dialog: SetupDialog, item: str) -> LastAnswer:
    return dialog.findChild(LastAnswer, f"last-{item}")


def _remember_anna(store, *, skin_age_days: float = 5, spine_age_days: float = 40, skin: bool = False) -> str:  # noqa: ANN001
    anna = store.add_client("Anna", notes="No feet: a bunion on the left foot.", side="left", level="upper", now=NOW)
    store.remember_answers(anna.id, PID, {"skin-lesions": skin}, NOW - skin_age_days * DAY)
    store.remember_answers(anna.id, PID, {"spinal-injury": False}, NOW - spine_age_days * DAY)
    return anna.id


def test_the_picker_lists_clients_told_apart_and_filters_in_any_case(qtbot, library, settings, store) -> None:  # noqa: ANN001
    store.add_client("Анна", now=NOW - 2)
    store.add_client("Анна", born="1954-03-02", now=NOW - 1)
    store.add_client("Joe", now=NOW)
    dialog = _sheet(qtbot, library, settings, store)
    names = [dialog.person.itemText(i) for i in range(dialog.person.count())]
    assert names[:3] == ["Joe", "Анна (1)", "Анна (born 1954-03-02)"]
    assert "Me" in names, "a name only in the settings stays on the list"
    completer = dialog.person.completer()
    completer.setCompletionPrefix("нн")
    shown = [completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())]
    assert shown == ["Анна (1)", "Анна (born 1954-03-02)"]


def test_choice_names_number_clients_of_one_name_in_the_order_added(store) -> None:  # noqa: ANN001
    first = store.add_client("Anna", now=NOW)
    second = store.add_client("Anna ", now=NOW + 1)
    assert dict(choice_names(store.clients())) == {first.id: "Anna (1)", second.id: "Anna (2)"}


def test_a_known_client_gives_side_level_and_notes(qtbot, library, settings, store) -> None:  # noqa: ANN001
    _remember_anna(store)
    dialog = _sheet(qtbot, library, settings, store)
    assert dialog.findChild(type(dialog.plan_note), "ClientNotes").isHidden()
    dialog.person.setCurrentText("Anna")
    assert _value(dialog.side_group) == "left"
    assert dialog.variant == "upper", "the client's level is the classic massage's variant"
    notes = dialog.client_sheet.notes
    assert not notes.isHidden()
    assert notes.text() == "Client notes: No feet: a bunion on the left foot."
    dialog.person.setCurrentText("Somebody new")
    assert notes.isHidden()


def test_choices_made_by_hand_stay_when_a_client_is_chosen(qtbot, library, settings, store) -> None:  # noqa: ANN001
    _remember_anna(store)
    dialog = _sheet(qtbot, library, settings, store)
    _choose(dialog.side_group, "right")
    _choose(dialog.variant_group, "back")
    dialog.person.setCurrentText("anna")  # typed: the client of that name
    assert _value(dialog.side_group) == "right"
    assert dialog.variant == "back"
    assert dialog.client_sheet.client is not None and dialog.client_sheet.client.name == "Anna"


def test_remembered_answers_are_shown_and_not_given_by_themselves(qtbot, library, settings, store) -> None:  # noqa: ANN001
    _remember_anna(store)
    dialog = _sheet(qtbot, library, settings, store, "Anna")
    skin, spine = _last(dialog, "skin-lesions"), _last(dialog, "spinal-injury")
    assert not skin.isHidden() and not spine.isHidden()
    assert skin.label.text().startswith("Last time: No — ")
    assert "more than 30 days ago: answer afresh" in spine.label.text()
    for item in ("skin-lesions", "spinal-injury"):
        assert not _radio(dialog, item, "yes").isChecked() and not _radio(dialog, item, "no").isChecked()
    assert dialog._answers == {"skin-lesions": None, "spinal-injury": None}
    assert not dialog.start_button.isEnabled()


def test_same_as_last_time_confirms_fresh_answers_only(qtbot, library, settings, store) -> None:  # noqa: ANN001
    _remember_anna(store)
    dialog = _sheet(qtbot, library, settings, store, "Anna")
    skin, spine = _last(dialog, "skin-lesions"), _last(dialog, "spinal-injury")
    assert spine.same.isHidden(), "an old answer cannot be confirmed with one click"
    skin.same.click()
    assert _radio(dialog, "skin-lesions", "no").isChecked()
    assert dialog._answers["spinal-injury"] is None
    _choose(dialog.stage_group, "acute")
    assert not dialog.start_button.isEnabled(), "the old answer must still be given afresh"
    _radio(dialog, "spinal-injury", "no").click()
    assert dialog.start_button.isEnabled()


def test_the_age_limit_is_a_setting(qtbot, library, settings, store) -> None:  # noqa: ANN001
    _remember_anna(store)
    settings.set("answers_valid_days", 60)
    dialog = _sheet(qtbot, library, settings, store, "Anna")
    spine = _last(dialog, "spinal-injury")
    assert not spine.same.isHidden()
    all_button = dialog.findChild(QPushButton, "SameAsLastTimeAll")
    assert not all_button.isHidden()
    all_button.click()
    assert dialog._answers == {"skin-lesions": False, "spinal-injury": False}


def test_a_remembered_yes_still_blocks(qtbot, library, settings, store) -> None:  # noqa: ANN001
    _remember_anna(store, skin=True, spine_age_days=1)
    dialog = _sheet(qtbot, library, settings, store, "Anna")
    assert _last(dialog, "skin-lesions").label.text().startswith("Last time: Yes — ")
    _choose(dialog.stage_group, "remission")
    dialog.findChild(QPushButton, "SameAsLastTimeAll").click()
    assert _radio(dialog, "skin-lesions", "yes").isChecked()
    assert not dialog.start_button.isEnabled()
    assert dialog.gate is not None and dialog.gate.reasons


def test_red_flags_are_never_remembered_and_start_unticked(qtbot, library, settings, store, main_window) -> None:  # noqa: ANN001
    client_id = _remember_anna(store)
    dialog = _sheet(qtbot, library, settings, store, "Anna")
    assert "never remembered" in " ".join(lbl.text() for lbl in dialog.findChildren(type(dialog.plan_note)))
    flags = dialog.findChildren(QCheckBox)
    assert flags and not any(flag.isChecked() for flag in flags if flag.objectName().startswith("redflag-"))
    result = SetupResult("Anna", "", None, "acute", "back", {}, None, client_id, {"skin-lesions": False})
    main_window.start_from_setup(library.get(PID), result)
    assert set(store.remembered_answers(client_id, PID)) == {"skin-lesions", "spinal-injury"}


def test_the_answers_are_remembered_for_the_chosen_client_on_start(
    qtbot, library, settings, store, main_window
) -> None:  # noqa: ANN001
    first = store.add_client("Anna", now=NOW - 1)
    second = store.add_client("Anna", now=NOW)
    dialog = _sheet(qtbot, library, settings, store, "Anna (2)")
    _radio(dialog, "skin-lesions", "no").click()
    _radio(dialog, "spinal-injury", "no").click()
    _choose(dialog.stage_group, "acute")
    result = dialog.result_value()
    assert (result.person, result.client_id) == ("Anna", second.id)
    assert result.answers == {"skin-lesions": False, "spinal-injury": False}
    main_window.start_from_setup(library.get(PID), result)
    answers = store.remembered_answers(second.id, PID)
    assert {k: v.answer for k, v in answers.items()} == {"skin-lesions": False, "spinal-injury": False}
    assert store.remembered_answers(first.id, PID) == {}


def test_a_new_name_becomes_a_client_with_its_answers(store) -> None:  # noqa: ANN001
    result = SetupResult("Grandpa Joe", "", None, "acute", None, {}, None, None, {"skin-lesions": True})
    linked = client_at_start(store, PID, result)
    joe = store.find_client("Grandpa Joe")
    assert joe is not None and linked.client_id == joe.id
    assert store.remembered_answers(joe.id, PID)["skin-lesions"].answer is True


def test_last_answer_sentences() -> None:
    answer = RememberedAnswer(False, NOW)
    assert last_answer_text(answer, "fresh", 30).startswith("Last time: No — ")
    assert last_answer_text(RememberedAnswer(True, NOW), "stale", 1).endswith(
        "Answered more than a day ago: answer afresh."
    )


def test_the_age_limit_is_set_on_the_settings_page(qtbot, settings) -> None:  # noqa: ANN001
    from massage_timer.ui.pages.settings.behaviour import SessionGroup

    group = SessionGroup(settings)
    qtbot.addWidget(group)
    assert group.answers_days_spin.value() == 30
    assert (group.answers_days_spin.minimum(), group.answers_days_spin.maximum()) == (1, 365)
    group.answers_days_spin.setValue(90)
    assert settings.get("answers_valid_days") == 90
    settings.set("answers_valid_days", 7)
    assert group.answers_days_spin.value() == 7
