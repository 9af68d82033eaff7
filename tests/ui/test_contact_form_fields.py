"""The contact form is built from the field declarations (domain/fields.py)."""

from __future__ import annotations

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
