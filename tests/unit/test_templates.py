"""Message templates: the four built-ins, safe filling, user overrides."""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from coffeechat.domain.templates import (
    BUILTIN_TEMPLATES,
    HINTS,
    PLACEHOLDERS,
    Draft,
    MessageKind,
    kind_for,
    render,
    template_problems,
    template_values,
)
from coffeechat.template_files import load_template

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # a Sunday, as the `now` fixture
TUE_10 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
WED_14 = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)

REQUIRED_PLACEHOLDERS = (
    "name", "first_name", "company", "role", "referrer", "my_name", "minutes", "format",
    "meeting_date", "takeaway", "takeaways", "next_step", "slots", "since_meeting", "field",
)  # fmt: skip

# Text a contact's notes could hold that a careless renderer would evaluate,
# re-substitute or choke on.  Each must come out exactly as typed.
HOSTILE = (
    "$name",
    "${company}",
    "$my_name and $$ and ${",
    "{0.__class__}",
    "{{}}",
    "%s %(name)s",
    r"C:\new\table \1 \g<0>",
    "{{ 7*7 }}",
    "{% if 1 %}yes{% endif %}",
    "$$",
    "${",
    "$",
)


def full_values(**overrides: Any) -> dict[str, str]:
    """Values for every placeholder, as the draft screen would build them."""
    arguments: dict[str, Any] = {
        "name": "Ada Lovelace",
        "company": "Analytical Engines Ltd",
        "role": "Head of Research",
        "referrer": "Grace Hopper",
        "my_name": "Sam Rivera",
        "minutes": 20,
        "meeting_format": "video",
        "meeting_at": NOW - timedelta(days=61),
        "takeaways": ("Portfolio work beats certificates", "Join the local meetup"),
        "next_step": "rebuild my portfolio around two real projects",
        "slots": (TUE_10, WED_14),
        "field": "developer relations",
        "now": NOW,
    }
    arguments.update(overrides)
    return template_values(**arguments)


# -- the placeholders and hints ------------------------------------------------


def test_every_required_placeholder_is_documented_on_one_line() -> None:
    assert set(REQUIRED_PLACEHOLDERS) <= set(PLACEHOLDERS)
    for name, description in PLACEHOLDERS.items():
        assert description.strip(), name
        assert "\n" not in description, name


def test_every_placeholder_has_a_bracketed_hint() -> None:
    assert set(HINTS) == set(PLACEHOLDERS)
    for name, hint in HINTS.items():
        assert hint.startswith("["), name
        assert hint.endswith("]"), name
        assert "$" not in hint, name


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("takeaway", "[one specific thing you learned]"),
        ("my_name", "[your name]"),
        ("slots", "[two or three times that suit you]"),
    ],
)
def test_hints_named_in_the_design(name: str, hint: str) -> None:
    assert HINTS[name] == hint


def test_placeholder_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        PLACEHOLDERS["x"] = "y"  # type: ignore[index]
    with pytest.raises(TypeError):
        HINTS["x"] = "y"  # type: ignore[index]


# -- the built-in templates ---------------------------------------------------


@pytest.mark.parametrize("kind", list(MessageKind))
def test_builtin_has_a_subject_a_blank_line_and_a_signature(kind: MessageKind) -> None:
    lines = BUILTIN_TEMPLATES[kind].splitlines()
    assert lines[0].startswith("Subject: ")
    assert len(lines[0]) > len("Subject: ")
    assert lines[1] == ""
    assert lines[-1] == "$my_name"
    assert template_problems(BUILTIN_TEMPLATES[kind]) == []


def test_there_is_a_builtin_for_every_kind() -> None:
    assert set(BUILTIN_TEMPLATES) == set(MessageKind)


@pytest.mark.parametrize(
    ("kind", "must_use"),
    [
        (MessageKind.REQUEST, ("$minutes", "$slots", "$first_name")),
        (MessageKind.THANK_YOU, ("$takeaway", "$next_step", "$first_name")),
        (MessageKind.FOLLOW_UP, ("$takeaway", "$since_meeting", "$first_name")),
        (MessageKind.REFERRAL, ("$referrer suggested I reach out", "$minutes", "$slots")),
    ],
)
def test_builtin_says_what_its_message_is_for(kind: MessageKind, must_use: tuple[str, ...]) -> None:
    for text in must_use:
        assert text in BUILTIN_TEMPLATES[kind]


@pytest.mark.parametrize("kind", [MessageKind.REQUEST, MessageKind.REFERRAL])
def test_requests_stay_short_and_send_no_resume(kind: MessageKind) -> None:
    body = BUILTIN_TEMPLATES[kind].casefold()
    assert "resume" not in body
    assert "cv" not in body.split()
    assert len(body.split()) < 130


@pytest.mark.parametrize("kind", list(MessageKind))
def test_builtin_with_every_value_is_ready_to_send(kind: MessageKind) -> None:
    draft = render(kind, BUILTIN_TEMPLATES[kind], full_values())
    assert draft.kind is kind
    assert "$" not in draft.text
    assert "[" not in draft.text
    assert draft.subject
    assert draft.body.rstrip().endswith("Sam Rivera")
    assert "Hi Ada," in draft.body


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (MessageKind.REQUEST, ("20 minutes", "Tue 24 Nov 10:00, Wed 25 Nov 14:00")),
        (MessageKind.THANK_YOU, ("Portfolio work beats certificates", "rebuild my portfolio",
                                 "Tuesday 22 September")),
        (MessageKind.FOLLOW_UP, ("two months ago", "Portfolio work beats certificates")),
        (MessageKind.REFERRAL, ("Grace Hopper suggested I reach out", "20 minutes",
                                "Tue 24 Nov 10:00, Wed 25 Nov 14:00")),
    ],
)  # fmt: skip
def test_builtin_carries_the_values_it_is_about(kind: MessageKind, expected: tuple[str]) -> None:
    text = render(kind, BUILTIN_TEMPLATES[kind], full_values()).text
    for fragment in expected:
        assert fragment in text


@pytest.mark.parametrize(
    ("kind", "hints"),
    [
        (MessageKind.REQUEST, ("[your name]", "[two or three times that suit you]")),
        (MessageKind.THANK_YOU, ("[your name]", "[one specific thing you learned]",
                                 HINTS["next_step"], HINTS["meeting_date"])),
        (MessageKind.FOLLOW_UP, ("[your name]", "[one specific thing you learned]",
                                 HINTS["since_meeting"])),
        (MessageKind.REFERRAL, ("[your name]", HINTS["referrer"],
                                "[two or three times that suit you]")),
    ],
)  # fmt: skip
def test_builtin_with_only_a_name_shows_hints(kind: MessageKind, hints: tuple[str]) -> None:
    draft = render(kind, BUILTIN_TEMPLATES[kind], template_values(name="Ada", now=NOW))
    assert "Hi Ada," in draft.body
    assert "$" not in draft.text
    for hint in hints:
        assert hint in draft.text


# -- template_values -------------------------------------------------------------


def test_values_cover_every_placeholder_as_strings() -> None:
    values = template_values(name="Ada", now=NOW)
    assert set(values) == set(PLACEHOLDERS)
    assert all(isinstance(value, str) for value in values.values())
    assert values["minutes"] == "15"
    assert values["slots"] == values["takeaway"] == values["meeting_date"] == ""


@pytest.mark.parametrize(
    ("name", "first_name"),
    [
        ("Ada Lovelace", "Ada"),
        ("  ada   lovelace ", "ada"),
        ("Ada\tLovelace", "Ada"),
        ("Ada\nLovelace", "Ada"),
        ("Jean-Luc Picard", "Jean-Luc"),
        ("Zoë", "Zoë"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_first_name_is_the_first_word(name: str, first_name: str) -> None:
    assert template_values(name=name, now=NOW)["first_name"] == first_name


def test_a_missing_first_name_shows_its_hint() -> None:
    draft = render(MessageKind.REQUEST, "Hi $first_name", template_values(name=" ", now=NOW))
    assert draft.body == "Hi [their first name]\n"


@pytest.mark.parametrize(
    ("slots", "text"),
    [
        ((), ""),
        ((TUE_10,), "Tue 24 Nov 10:00"),
        ((TUE_10, WED_14), "Tue 24 Nov 10:00, Wed 25 Nov 14:00"),
        ((datetime(2026, 12, 1, 9, 5, tzinfo=UTC),), "Tue 1 Dec 09:05"),
        # Shown in now's zone: 19:00 in Tokyo is 10:00 UTC.
        ((datetime(2026, 11, 24, 19, 0, tzinfo=timezone(timedelta(hours=9))),), "Tue 24 Nov 10:00"),
        # Past midnight in UTC is still the day before in New York.
        ((datetime(2026, 11, 25, 2, 0, tzinfo=UTC),), "Wed 25 Nov 02:00"),
        ((datetime(2027, 1, 5, 9, 0, tzinfo=UTC),), "Tue 5 Jan 2027 09:00"),
    ],
)
def test_slots_are_listed_in_nows_time_zone(slots: tuple[datetime, ...], text: str) -> None:
    assert template_values(name="Ada", slots=slots, now=NOW)["slots"] == text


def test_slots_follow_nows_time_zone_not_the_machines() -> None:
    new_york = timezone(timedelta(hours=-5))
    now = NOW.astimezone(new_york)
    slot = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    assert template_values(name="Ada", slots=(slot,), now=now)["slots"] == "Tue 24 Nov 21:00"


@pytest.mark.parametrize(
    ("meeting_at", "text"),
    [
        (datetime(2026, 11, 24, 15, 0, tzinfo=UTC), "Tuesday 24 November"),
        (datetime(2026, 11, 20, 9, 0, tzinfo=UTC), "Friday 20 November"),
        (datetime(2026, 3, 1, 9, 0, tzinfo=UTC), "Sunday 1 March"),
        (datetime(2025, 11, 24, 9, 0, tzinfo=UTC), "Monday 24 November 2025"),
        (None, ""),
    ],
)
def test_meeting_date(meeting_at: datetime | None, text: str) -> None:
    assert template_values(name="Ada", meeting_at=meeting_at, now=NOW)["meeting_date"] == text


@pytest.mark.parametrize(
    ("ago", "phrase"),
    [
        (timedelta(hours=2), "earlier today"),
        (timedelta(hours=10), "earlier today"),
        (timedelta(hours=11), "yesterday"),  # 23:00 the day before
        (timedelta(days=1), "yesterday"),
        (timedelta(days=2), "a few days ago"),
        (timedelta(days=6), "a few days ago"),
        (timedelta(days=7), "last week"),
        (timedelta(days=13), "last week"),
        (timedelta(days=14), "two weeks ago"),
        (timedelta(days=27), "three weeks ago"),
        (timedelta(days=28), "a month ago"),
        (timedelta(days=45), "a month ago"),
        (timedelta(days=61), "two months ago"),
        (timedelta(days=91), "three months ago"),
        (timedelta(days=200), "seven months ago"),
        (timedelta(days=334), "eleven months ago"),
        (timedelta(days=366), "a year ago"),
        (timedelta(days=730), "two years ago"),
        (timedelta(days=365 * 20), "20 years ago"),
        (timedelta(hours=-3), ""),  # not yet happened: no phrase, so the hint shows
    ],
)
def test_since_meeting_is_a_rough_phrase(ago: timedelta, phrase: str) -> None:
    values = template_values(name="Ada", meeting_at=NOW - ago, now=NOW)
    assert values["since_meeting"] == phrase


def test_takeaways_first_one_and_a_bulleted_list() -> None:
    values = template_values(
        name="Ada", takeaways=("", "  Ship small\nand often ", "   ", "Ask for intros"), now=NOW
    )
    assert values["takeaway"] == "Ship small and often"
    assert values["takeaways"] == "- Ship small and often\n- Ask for intros"


def test_takeaways_keep_their_lines_in_the_body() -> None:
    values = template_values(name="Ada", takeaways=("one", "two"), now=NOW)
    draft = render(MessageKind.THANK_YOU, "Notes:\n$takeaways\nend", values)
    assert draft.body == "Notes:\n- one\n- two\nend\n"


@pytest.mark.parametrize(("minutes", "text"), [(15, "15"), (30, "30"), (0, ""), (-5, "")])
def test_minutes(minutes: int, text: str) -> None:
    assert template_values(name="Ada", minutes=minutes, now=NOW)["minutes"] == text


@pytest.mark.parametrize(
    ("argument", "placeholder"),
    [
        ("name", "name"),
        ("company", "company"),
        ("role", "role"),
        ("referrer", "referrer"),
        ("my_name", "my_name"),
        ("meeting_format", "format"),
        ("next_step", "next_step"),
        ("field", "field"),
    ],
)
def test_text_values_are_cleaned_onto_one_line(argument: str, placeholder: str) -> None:
    values = full_values(**{argument: " \x1b[31mRed\x07\n  Team\r\n\x00 "})
    assert values[placeholder] == "[31mRed Team"


# -- render: safe, literal substitution -----------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_placeholder_inserts_hostile_text_literally(hostile: str) -> None:
    template = "\n".join(f"{name}=${{{name}}}" for name in PLACEHOLDERS)
    draft = render(MessageKind.REQUEST, template, dict.fromkeys(PLACEHOLDERS, hostile))
    assert draft.body == "\n".join(f"{name}={hostile}" for name in PLACEHOLDERS) + "\n"


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize(
    "argument", ["name", "company", "role", "referrer", "my_name", "next_step", "field"]
)
def test_hostile_contact_text_comes_out_as_typed(argument: str, hostile: str) -> None:
    # The drafts must be exactly what a harmless marker gives, with the marker
    # swapped for the hostile text: nothing evaluated, nothing re-substituted.
    marker = "Zq7marker"
    if argument == "name":  # messages greet by first name: keep the text one word
        hostile, marker = hostile.replace(" ", "") + " Lovelace", marker + " Lovelace"
    used = 0
    for kind in MessageKind:
        plain = render(kind, BUILTIN_TEMPLATES[kind], full_values(**{argument: marker})).text
        tricky = render(kind, BUILTIN_TEMPLATES[kind], full_values(**{argument: hostile})).text
        first_word = marker.split()[0]
        used += first_word in plain
        assert tricky == plain.replace(marker, hostile).replace(first_word, hostile.split()[0])
    assert used, f"no built-in message uses {argument}"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_takeaway_comes_out_as_typed(hostile: str) -> None:
    values = full_values(takeaways=(hostile, hostile))
    draft = render(MessageKind.THANK_YOU, BUILTIN_TEMPLATES[MessageKind.THANK_YOU], values)
    assert f"stayed with me most: {hostile}\n" in draft.body
    bullets = render(MessageKind.THANK_YOU, "$takeaways", values).body
    assert bullets == f"- {hostile}\n- {hostile}\n"


def test_a_hostile_first_name_in_the_subject_stays_literal() -> None:
    values = full_values(name="${company} Lovelace")
    draft = render(MessageKind.THANK_YOU, BUILTIN_TEMPLATES[MessageKind.THANK_YOU], values)
    assert draft.subject == "Thank you, ${company}"


@pytest.mark.parametrize(
    "value",
    [
        "Ada\nSubject: evil",
        "Ada\r\nSubject: evil",
        "Ada\x0bSubject: evil",
        "Ada\u2028Subject: evil",
    ],
)
def test_a_value_cannot_add_a_header_line(value: str) -> None:
    draft = render(MessageKind.THANK_YOU, "Subject: Hi $first_name\n\nDear $name,\nbye", {
        "first_name": value, "name": value,
    })  # fmt: skip
    assert draft.subject == "Hi Ada Subject: evil"
    assert draft.body == "Dear Ada Subject: evil,\nbye\n"
    assert [line for line in draft.text.splitlines() if line.startswith("Subject:")] == [
        "Subject: Hi Ada Subject: evil"
    ]


def test_multiline_takeaways_are_flattened_in_the_subject() -> None:
    draft = render(MessageKind.FOLLOW_UP, "Subject: $takeaways\n\n$takeaways", {
        "takeaways": "- a\n- b",
    })  # fmt: skip
    assert draft.subject == "- a - b"
    assert draft.body == "- a\n- b\n"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "[31mred[0m"),
        ("bell\x07", "bell"),
        ("nul\x00byte", "nulbyte"),
        ("\x9bcsi", "csi"),
        ("tab\tkept", "tab\tkept"),
    ],
)
def test_control_characters_are_stripped(value: str, shown: str) -> None:
    draft = render(MessageKind.REQUEST, "Subject: $company\n\n<$company>", {"company": value})
    assert draft.subject == shown.strip()
    assert draft.body == f"<{shown}>\n"
    assert "\x1b" not in draft.text


@pytest.mark.parametrize(
    ("template", "body"),
    [
        ("Hi $unknown and ${other}", "Hi $unknown and ${other}"),
        ("costs $ 5, $5 or US$", "costs $ 5, $5 or US$"),
        ("a lone $", "a lone $"),
        ("$", "$"),
        ("$$", "$"),
        ("$$name", "$name"),
        ("$$$name", "$Ada"),
        ("${", "${"),
        ("${name", "${name"),
        ("${name}s and $names", "Adas and $names"),
        ("{name} {{name}} %(name)s", "{name} {{name}} %(name)s"),
        ("$name$name", "AdaAda"),
    ],
)
def test_render_never_raises_and_keeps_what_it_cannot_fill(template: str, body: str) -> None:
    assert render(MessageKind.REQUEST, template, {"name": "Ada"}).body == body + "\n"


@pytest.mark.parametrize(
    ("values", "body"),
    [
        ({}, "[their company]"),
        ({"company": ""}, "[their company]"),
        ({"company": "  \n "}, "[their company]"),
        ({"company": "\x1b"}, "[their company]"),
        ({"company": "Acme"}, "Acme"),
    ],
)
def test_empty_values_become_hints(values: dict[str, str], body: str) -> None:
    assert render(MessageKind.REQUEST, "$company", values).body == body + "\n"


def test_extra_values_fill_their_own_names() -> None:
    values = {"pet": "a cat", "empty": ""}
    draft = render(MessageKind.REQUEST, "$pet / ${empty} / $other", values)
    assert draft.body == "a cat / [empty] / $other\n"


@pytest.mark.parametrize(
    ("template", "subject", "body"),
    [
        ("Subject: Hello $name\n\nBody", "Hello Ada", "Body\n"),
        ("subject:Hello\n\n\n\nBody\n\n\n", "Hello", "Body\n"),
        ("SUBJECT:   spaced  \nBody", "spaced", "Body\n"),
        ("Subject: Hello\r\n\r\nBody\r\nmore", "Hello", "Body\nmore\n"),
        ("No subject here\nSubject: not a header", "", "No subject here\nSubject: not a header\n"),
        ("\nSubject: after a blank line", "", "Subject: after a blank line\n"),
        ("Subject: only a subject", "only a subject", ""),
        ("Subject:\n\nBody", "", "Body\n"),
        ("", "", ""),
    ],
)
def test_subject_line_is_split_off(template: str, subject: str, body: str) -> None:
    draft = render(MessageKind.REQUEST, template, {"name": "Ada"})
    assert (draft.subject, draft.body) == (subject, body)


@pytest.mark.parametrize(
    ("draft", "text"),
    [
        (Draft(MessageKind.REQUEST, "Hello", "Body\n"), "Subject: Hello\n\nBody\n"),
        (Draft(MessageKind.REQUEST, "", "Body\n"), "Body\n"),
        (Draft(MessageKind.THANK_YOU, "Thanks", ""), "Subject: Thanks\n\n"),
    ],
)
def test_draft_text(draft: Draft, text: str) -> None:
    assert draft.text == text


def test_draft_text_round_trips_through_render() -> None:
    first = render(MessageKind.THANK_YOU, BUILTIN_TEMPLATES[MessageKind.THANK_YOU], full_values())
    again = render(MessageKind.THANK_YOU, first.text, {})
    assert again == first


# -- template_problems ------------------------------------------------------------


KNOWN = ", ".join(f"${name}" for name in PLACEHOLDERS)


@pytest.mark.parametrize(
    ("template", "problems"),
    [
        ("Hi $name,\n\n$my_name", []),
        ("Costs $$5 and ${company}", []),
        ("Hi $nmae", [f"line 1: $nmae is not a placeholder (did you mean $name?); known: {KNOWN}"]),
        (
            "a\nb\nHi ${frist_name}",
            [
                "line 3: $frist_name is not a placeholder (did you mean $first_name?); "
                f"known: {KNOWN}"
            ],
        ),
        ("\n$zzzzzz", [f"line 2: $zzzzzz is not a placeholder; known: {KNOWN}"]),
        (
            "a\nb\ncosts $ 5",
            ["line 3: '$' must be followed by a placeholder name or written as $$"],
        ),
        ("$5", ["line 1: '$' must be followed by a placeholder name or written as $$"]),
        ("x\nends with $", ["line 2: '$' must be followed by a placeholder name or written as $$"]),
        (
            "${first name}",
            ["line 1: '$' must be followed by a placeholder name or written as $$"],
        ),
        (
            "$Name\n$nmae\n$nmae",
            [
                f"line 1: $Name is not a placeholder (did you mean $name?); known: {KNOWN}",
                f"line 2: $nmae is not a placeholder (did you mean $name?); known: {KNOWN}",
            ],
        ),
        (
            "$ \n$nmae",
            [
                "line 1: '$' must be followed by a placeholder name or written as $$",
                f"line 2: $nmae is not a placeholder (did you mean $name?); known: {KNOWN}",
            ],
        ),
    ],
)
def test_template_problems(template: str, problems: list[str]) -> None:
    assert template_problems(template) == problems


# -- kind_for ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "referred", "kind"),
    [
        ("identified", False, MessageKind.REQUEST),
        ("identified", True, MessageKind.REFERRAL),
        ("requested", False, MessageKind.REQUEST),
        ("requested", True, MessageKind.REFERRAL),
        ("met", False, MessageKind.THANK_YOU),
        ("met", True, MessageKind.THANK_YOU),
        ("thanked", False, MessageKind.FOLLOW_UP),
        ("thanked", True, MessageKind.FOLLOW_UP),
        ("follow-up", False, MessageKind.FOLLOW_UP),
        ("follow-up", True, MessageKind.FOLLOW_UP),
        ("Follow up", False, MessageKind.FOLLOW_UP),
    ],
)
def test_kind_for(stage: str, referred: bool, kind: MessageKind) -> None:
    assert kind_for(stage, referred) is kind


def test_kind_for_an_unknown_stage_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        kind_for("hired", False)


# -- load_template ------------------------------------------------------------------

BUILTIN_FALLBACK = "; using the built-in template."


@pytest.mark.parametrize("kind", list(MessageKind))
def test_no_folder_means_the_builtin(kind: MessageKind) -> None:
    assert load_template(kind, None) == (BUILTIN_TEMPLATES[kind], None)


@pytest.mark.parametrize("kind", list(MessageKind))
def test_a_missing_file_means_the_builtin(kind: MessageKind, tmp_path: Path) -> None:
    assert load_template(kind, tmp_path) == (BUILTIN_TEMPLATES[kind], None)
    assert load_template(kind, tmp_path / "no" / "such" / "folder") == (
        BUILTIN_TEMPLATES[kind],
        None,
    )


def test_a_good_override_is_used(tmp_path: Path) -> None:
    (tmp_path / "thank-you.txt").write_text("Subject: Ta, $first_name\n\nCheers — $my_name\n")
    text, warning = load_template(MessageKind.THANK_YOU, tmp_path)
    assert warning is None
    draft = render(MessageKind.THANK_YOU, text, full_values())
    assert draft.text == "Subject: Ta, Ada\n\nCheers — Sam Rivera\n"
    # The other kinds are untouched.
    assert load_template(MessageKind.REQUEST, tmp_path) == (
        BUILTIN_TEMPLATES[MessageKind.REQUEST],
        None,
    )


def test_an_override_with_a_byte_order_mark_and_crlf_keeps_its_subject(tmp_path: Path) -> None:
    (tmp_path / "request.txt").write_bytes(b"\xef\xbb\xbfSubject: Hi\r\n\r\nBody $name\r\n")
    text, warning = load_template(MessageKind.REQUEST, tmp_path)
    assert warning is None
    draft = render(MessageKind.REQUEST, text, {"name": "Ada"})
    assert (draft.subject, draft.body) == ("Hi", "Body Ada\n")


def test_control_characters_in_an_override_are_dropped(tmp_path: Path) -> None:
    (tmp_path / "request.txt").write_text("Subject: \x1b[2JHi\n\nBody\x07\n")
    text, warning = load_template(MessageKind.REQUEST, tmp_path)
    assert (text, warning) == ("Subject: [2JHi\n\nBody\n", None)


def test_a_file_that_is_not_utf8_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "follow-up.txt"
    path.write_bytes("Subject: Grüße\n\n$name".encode("latin-1"))
    text, warning = load_template(MessageKind.FOLLOW_UP, tmp_path)
    assert text == BUILTIN_TEMPLATES[MessageKind.FOLLOW_UP]
    assert warning == (
        f"Could not read {path}: it is not UTF-8 text (byte 0xfc at offset 11){BUILTIN_FALLBACK}"
    )


def test_a_folder_where_the_file_should_be_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "referral.txt"
    path.mkdir()
    text, warning = load_template(MessageKind.REFERRAL, tmp_path)
    assert text == BUILTIN_TEMPLATES[MessageKind.REFERRAL]
    assert warning is not None
    assert warning.startswith(f"Could not read {path}: ")
    assert warning.endswith(BUILTIN_FALLBACK)


def test_an_unreadable_file_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "request.txt"
    path.write_text("Subject: mine\n\n$name")

    # chmod 000 doesn't stop root (CI containers), so refuse the read directly.
    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    text, warning = load_template(MessageKind.REQUEST, tmp_path)
    assert text == BUILTIN_TEMPLATES[MessageKind.REQUEST]
    assert warning == f"Could not read {path}: Permission denied{BUILTIN_FALLBACK}"


@pytest.mark.parametrize("content", ["", "  \n\n\t\n"])
def test_an_empty_override_falls_back(tmp_path: Path, content: str) -> None:
    path = tmp_path / "request.txt"
    path.write_text(content)
    text, warning = load_template(MessageKind.REQUEST, tmp_path)
    assert text == BUILTIN_TEMPLATES[MessageKind.REQUEST]
    assert warning == f"{path} is empty{BUILTIN_FALLBACK}"


def test_a_typo_is_reported_but_the_file_is_still_used(tmp_path: Path) -> None:
    path = tmp_path / "request.txt"
    content = "Subject: Hello\n\nHi $nmae,\nIt costs $ 5.\n$my_name\n"
    path.write_text(content)
    text, warning = load_template(MessageKind.REQUEST, tmp_path)
    assert text == content
    assert warning == (
        f"{path}: line 3: $nmae is not a placeholder (did you mean $name?); "
        f"known: {KNOWN} (and 1 more)"
    )
    # Still renders: the typo stays visible rather than vanishing.
    assert "Hi $nmae," in render(MessageKind.REQUEST, text, full_values()).body


def test_a_single_problem_has_no_count(tmp_path: Path) -> None:
    path = tmp_path / "request.txt"
    path.write_text("Subject: Hello\n\n$ oops\n")
    assert load_template(MessageKind.REQUEST, tmp_path)[1] == (
        f"{path}: line 3: '$' must be followed by a placeholder name or written as $$"
    )


@pytest.mark.parametrize(
    ("meeting_at", "phrase"),
    [
        (datetime(2026, 9, 22, 10, 0), "two months ago"),  # naive: wall-clock time in now's zone
        (datetime(2026, 11, 22, 11, 0), ""),
    ],
)
def test_a_naive_meeting_time_is_read_in_nows_zone(meeting_at: datetime, phrase: str) -> None:
    assert template_values(name="Ada", meeting_at=meeting_at, now=NOW)["since_meeting"] == phrase


def test_a_file_where_the_folder_should_be_means_the_builtin(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.write_text("not a folder")
    assert load_template(MessageKind.REQUEST, folder) == (
        BUILTIN_TEMPLATES[MessageKind.REQUEST],
        None,
    )
