"""Each contact field is declared once (domain/fields.py); CLI, CSV, LinkedIn and vCard read it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from coffeechat import cli
from coffeechat.domain import model
from coffeechat.domain.fields import (
    CONTACT_FIELDS,
    FIELD_LABELS,
    FIELDS,
    FIELDS_BY_NAME,
    MAX_CADENCE_MONTHS,
    ValidationError,
    clean_fields,
)
from coffeechat.domain.settings import DEFAULT_SETTINGS, MAX_FOLLOW_UP_MONTHS
from coffeechat.interchange.csv_files import DEFAULT_HEADERS, header_key
from coffeechat.interchange.linkedin import read_linkedin
from coffeechat.interchange.vcard import read_vcards

SRC = Path(__file__).resolve().parents[2] / "src" / "coffeechat"


def test_the_field_list_and_labels_come_from_the_declarations() -> None:
    assert tuple(spec.name for spec in FIELDS) == CONTACT_FIELDS
    assert dict(FIELD_LABELS) == {spec.name: spec.label for spec in FIELDS}
    assert set(FIELDS_BY_NAME) == set(CONTACT_FIELDS)
    assert len(set(CONTACT_FIELDS)) == len(CONTACT_FIELDS)


def test_every_declared_field_is_a_contact_attribute() -> None:
    attributes = {f.name for f in dataclasses.fields(model.Contact)}
    assert set(CONTACT_FIELDS) <= attributes


def test_the_model_re_exports_the_same_objects() -> None:
    assert model.CONTACT_FIELDS is CONTACT_FIELDS
    assert model.ValidationError is ValidationError
    assert model.clean_fields is clean_fields


def test_fields_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        FIELDS[0].label = "Changed"  # type: ignore[misc]


def test_the_add_command_has_one_option_per_declared_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["add", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    for spec in FIELDS:
        if spec.flag:
            assert spec.flag in shown
        assert " ".join(spec.help.split()) in shown
    assert f"(default {DEFAULT_SETTINGS.follow_up_months})" in shown


def test_the_add_command_fills_every_field_from_its_flag() -> None:
    argv = ["add", "Ada"]
    for spec in FIELDS:
        if spec.flag:
            argv += [spec.flag, f"value of {spec.name}"]
    args = cli.build_parser().parse_args(argv)
    assert {name: getattr(args, name) for name in CONTACT_FIELDS} == {
        "name": "Ada",
        **{spec.name: f"value of {spec.name}" for spec in FIELDS if spec.flag},
    }


def test_csv_recognises_each_fields_name_label_and_synonyms() -> None:
    for spec in FIELDS:
        for header in (spec.name, spec.label, *spec.headers):
            assert DEFAULT_HEADERS[header_key(header)] == spec.name, header


def test_linkedin_columns_come_from_the_declarations(tmp_path: Path) -> None:
    columns = {spec.linkedin: spec.name for spec in FIELDS if spec.linkedin}
    assert set(columns) == {"company", "position", "email address", "url", "connected on"}
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@example.com,Engines,CTO,20 Nov 2026\n"
    )
    people, errors = read_linkedin(path)
    assert errors == []
    assert dict(people[0].fields) == {
        "name": "Ada Lovelace",
        "company": "Engines",
        "role": "CTO",
        "email": "ada@example.com",
        "linkedin": "https://www.linkedin.com/in/ada",
        "source": "LinkedIn",
        "connected_on": "2026-11-20",
    }


def test_vcard_properties_come_from_the_declarations(tmp_path: Path) -> None:
    assert FIELDS_BY_NAME["company"].vcard == "ORG"
    assert FIELDS_BY_NAME["role"].vcard == "TITLE"
    path = tmp_path / "one.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nORG:Engines\nTITLE:CTO\nEND:VCARD\n")
    people, errors = read_vcards(path)
    assert errors == []
    assert (people[0].fields["company"], people[0].fields["role"]) == ("Engines", "CTO")


def test_the_cadence_limit_is_the_follow_up_setting_limit() -> None:
    assert MAX_CADENCE_MONTHS == MAX_FOLLOW_UP_MONTHS
    assert clean_fields({"cadence": f"{MAX_CADENCE_MONTHS} months"}) == {
        "cadence": str(MAX_CADENCE_MONTHS)
    }
    with pytest.raises(ValidationError, match="from 1 to 24"):
        clean_fields({"cadence": str(MAX_CADENCE_MONTHS + 1)})


def test_only_multiline_fields_keep_their_line_breaks() -> None:
    raw = {spec.name: "a\n b" for spec in FIELDS if spec.check is None}
    cleaned = clean_fields(raw)
    for name, value in cleaned.items():
        assert value == ("a\n b" if FIELDS_BY_NAME[name].multiline else "a b")


@pytest.mark.parametrize(
    "spelling",
    ['"--referred-by"', '"Follow up every"', '"introduced by"', '"LinkedIn URL"'],
)
def test_no_other_module_spells_out_a_field(spelling: str) -> None:
    found = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if spelling in path.read_text(encoding="utf-8")
    )
    assert found == ["domain/fields.py"]
