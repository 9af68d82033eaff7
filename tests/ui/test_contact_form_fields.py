"""The contact form is built from the field declarations (domain/fields.py)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, TextArea

from coffeechat.domain.fields import FIELDS
from coffeechat.ui.dialogs.contact_form import ContactForm
from tests.ui.conftest import SIZE


async def test_the_form_shows_each_declared_field_with_its_label_and_placeholder(
    app_factory,
) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n")
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        labels = [str(label.render()) for label in form.query(".field-label").results(Label)]
        assert labels == [spec.label for spec in FIELDS]
        for spec in FIELDS:
            widget = form.query_one(f"#field-{spec.name}")
            if spec.multiline:
                assert isinstance(widget, TextArea)
            else:
                assert isinstance(widget, Input)
                assert widget.placeholder == spec.placeholder
        assert set(form.values()) == {spec.name for spec in FIELDS}


@pytest.mark.parametrize("cadence", ["²", "①", "99999999999", "9" * 5000])
async def test_a_bad_cadence_keeps_the_form_open_with_one_message(
    app_factory, repo, cadence: str
) -> None:
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("n")
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        form.query_one("#field-name", Input).value = "Ada Lovelace"
        form.query_one("#field-cadence", Input).value = cadence
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form  # nothing typed is lost
        assert form.query_one("#field-name", Input).value == "Ada Lovelace"
        shown = [str(label.render()) for label in form.query(".field-error").results(Label)]
        (message,) = [line for line in shown if line]  # one message, on its field
        assert message.startswith("Follow up every: ")
        assert message.endswith("is not a number of months from 1 to 24")
        assert form.query_one("#field-cadence", Input).has_focus
        assert repo.contacts() == []


async def test_a_bad_cadence_in_the_edit_form_keeps_what_was_typed(app_factory, repo, now) -> None:
    contact = repo.add({"name": "Ada Lovelace"}, now)
    async with app_factory().run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ContactForm)
        form.query_one("#field-company", Input).value = "Analytical Engines"
        form.query_one("#field-cadence", Input).value = "①"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is form
        assert form.query_one("#field-company", Input).value == "Analytical Engines"
        assert "Follow up every:" in str(form.query_one("#error-cadence").render())
        assert repo.get(contact.id).company == ""
