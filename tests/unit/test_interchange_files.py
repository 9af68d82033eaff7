"""Reading LinkedIn and spreadsheet files, writing CSV, and the JSON backup.

The files under tests/data/interchange/ are shaped like the real thing (the
LinkedIn one byte for byte: BOM, CRLF, the "Notes:" preamble).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coffeechat.domain import pipeline
from coffeechat.domain.meetings import AgendaItem, Meeting, MeetingFormat, Promise
from coffeechat.domain.model import CONTACT_FIELDS, ArchiveReason, Contact
from coffeechat.domain.questions import BUILTIN_QUESTIONS, Category, Question
from coffeechat.domain.stages import Stage
from coffeechat.interchange.backup import (
    FORMAT,
    Backup,
    export_json,
    plan_backup,
    read_backup,
    restore_summary,
)
from coffeechat.interchange.csv_files import (
    EXPORT_COLUMNS,
    history_text,
    neutralise,
    parse_mapping,
    read_csv,
    read_text,
    write_csv,
)
from coffeechat.interchange.errors import InterchangeError
from coffeechat.interchange.linkedin import NO_HEADER, linkedin_date, read_linkedin
from coffeechat.interchange.matching import Incoming, RowError, plan_import

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange"
SRC = Path(__file__).resolve().parents[2] / "src"

MakeContact = Callable[..., Contact]
Ids = Callable[[], str]


def write(tmp_path: Path, data: str | bytes, name: str = "file.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def names(people: list[Incoming]) -> list[str]:
    return [person.fields["name"] for person in people]


def lines_of(errors: list[RowError]) -> list[int]:
    return [error.line for error in errors]


def contacts_from(plan_add: list[dict[str, str]], now: datetime, ids: Ids) -> list[Contact]:
    return [pipeline.new_contact(fields, now, ids(), ids()) for fields in plan_add]


# -- LinkedIn Connections.csv ----------------------------------------------------------

CONNECTIONS = DATA / "linkedin_connections.csv"


def test_the_linkedin_fixture_is_shaped_like_a_real_export() -> None:
    data = CONNECTIONS.read_bytes()
    assert data.startswith(b'\xef\xbb\xbfNotes:\r\n"When exporting your connection data')
    assert data.count(b"\r\n") == data.count(b"\n")  # CRLF throughout
    assert (
        b"\r\n\r\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n" in data
    )


LINKEDIN_PEOPLE = [
    (
        5,
        {
            "name": "Ada Lovelace",
            "company": "Analytical Engines Ltd",
            "role": "Lead Mathematician",
            "linkedin": "https://www.linkedin.com/in/ada-lovelace-1815",
            "source": "LinkedIn",
            "connected_on": "2026-11-20",
        },
    ),
    (
        6,
        {
            "name": "Grace Hopper",
            "company": "Navy, United States",
            "role": "Rear Admiral",
            "email": "grace@navy.example",
            "linkedin": "https://www.linkedin.com/in/grace-hopper",
            "source": "LinkedIn",
            "connected_on": "2021-02-03",
        },
    ),
    (
        7,
        {
            "name": "Sofía Núñez 🚀",
            "company": "Cohere, Inc.",
            "role": "Staff Engineer, Platform",
            "linkedin": "https://www.linkedin.com/in/sofia-nunez",
            "source": "LinkedIn",
            "connected_on": "2025-01-01",
        },
    ),
    (
        11,
        {
            "name": "Katherine Johnson",
            "company": "NASA",
            "role": "Research Mathematician",
            "linkedin": "https://www.linkedin.com/in/katherine-johnson",
            "source": "LinkedIn",
            "connected_on": "2023-09-15",
        },
    ),
    (
        12,
        {
            "name": "Mary Jackson",
            "company": "NASA",
            "role": "Engineer, Aerospace",
            "linkedin": "https://www.linkedin.com/in/mary-jackson",
            "source": "LinkedIn",
            "connected_on": "2022-10-07",
        },
    ),
]


def test_linkedin_reads_every_person_on_the_line_they_are_on() -> None:
    people, _ = read_linkedin(CONNECTIONS)
    assert [(p.line, dict(p.fields)) for p in people] == LINKEDIN_PEOPLE
    grace = people[1]
    assert grace.emails == ("grace@navy.example",)
    assert people[0].emails == ()


def test_linkedin_reports_the_nameless_member_and_the_impossible_date_by_line() -> None:
    _, errors = read_linkedin(CONNECTIONS)
    assert [str(error) for error in errors] == [
        "line 9: no name: LinkedIn leaves it blank for members who closed or hid their account",
        "line 10: Connected On '31 Feb 2024' is not a date like 20 Nov 2026",
    ]


@pytest.mark.parametrize(
    ("company", "position", "expected", "error_lines"),
    [
        (
            "",
            "",
            ["Ada Lovelace", "Grace Hopper", "Sofía Núñez 🚀", "Katherine Johnson", "Mary Jackson"],
            [9, 10],
        ),
        ("nasa", "", ["Katherine Johnson", "Mary Jackson"], []),
        ("", "ENGINEER", ["Sofía Núñez 🚀", "Mary Jackson"], []),
        ("NASA", "engineer", ["Mary Jackson"], []),
        ("  navy, united ", "", ["Grace Hopper"], []),
        ("bletchley", "", [], [10]),  # a kept row with a bad date is still an error
        ("old corp", "", [], [9]),
        ("nobody", "", [], []),  # rows filtered out are not errors
    ],
)
def test_linkedin_company_and_position_filters(
    company: str, position: str, expected: list[str], error_lines: list[int]
) -> None:
    people, errors = read_linkedin(CONNECTIONS, company=company, position=position)
    assert names(people) == expected
    assert lines_of(errors) == error_lines


def test_linkedin_reads_an_old_export_with_no_preamble_and_no_url_column() -> None:
    people, errors = read_linkedin(DATA / "linkedin_legacy.csv")
    assert errors == []
    assert [(p.line, dict(p.fields)) for p in people] == [
        (
            2,
            {
                "name": "Ada Lovelace",
                "company": "Analytical Engines",
                "role": "Mathematician",
                "email": "ada@example.com",
                "source": "LinkedIn",
                "connected_on": "2016-11-20",
            },
        )
    ]


@pytest.mark.parametrize(
    "content",
    [
        (DATA / "linkedin_not_connections.csv").read_bytes(),  # messages.csv from the same zip
        b"",
        b"Notes:\r\nnothing to see here\r\n",
        b"Name,Company\r\nAda Lovelace,Engines\r\n",
    ],
    ids=["messages.csv", "empty", "preamble only", "other csv"],
)
def test_a_file_without_the_linkedin_header_is_one_clear_error(
    tmp_path: Path, content: bytes
) -> None:
    people, errors = read_linkedin(write(tmp_path, content))
    assert people == []
    assert errors == [RowError(1, NO_HEADER)]
    assert "no LinkedIn header row (First Name, Last Name, URL…) found" in str(errors[0])


def test_linkedin_refuses_bytes_that_are_not_utf8_naming_the_byte() -> None:
    path = DATA / "linkedin_latin1.csv"
    offset = path.read_bytes().index(b"Jos\xe9") + 3
    people, errors = read_linkedin(path)
    assert people == []
    assert len(errors) == 1
    assert errors[0].line == 6
    assert f"byte {offset} (0xe9) is not UTF-8 text" in errors[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20 Nov 2026", "2026-11-20"),
        ("03 Feb 2021", "2021-02-03"),
        ("1 Jan 2025", "2025-01-01"),
        ("15 sep 2023", "2023-09-15"),
        ("15 Sept 2023", "2023-09-15"),
        ("29 February 2028", "2028-02-29"),
        ("2026-11-20", "2026-11-20"),
        ("31 Feb 2024", None),
        ("20 Ma 2026", None),  # too short to be a month
        ("20 Ju 2026", None),
        ("20 Foo 2026", None),
        ("11/20/2026", None),  # a re-saved spreadsheet: ambiguous, refused
        ("Nov 2026", None),
        ("yesterday", None),
    ],
)
def test_linkedin_dates(text: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(ValueError, match=r"."):
            linkedin_date(text)
    else:
        assert linkedin_date(text) == expected


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_linkedin_resaved_with_another_delimiter(tmp_path: Path, delimiter: str) -> None:
    rows = [
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
        [
            "Ada",
            "Lovelace",
            "https://www.linkedin.com/in/ada",
            "",
            "Engines; Ltd",
            "CTO",
            "1 Jan 2025",
        ],
    ]
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    people, errors = read_linkedin(write(tmp_path, "Notes:\n\n" + out.getvalue()))
    assert errors == []
    assert [(p.line, p.fields["company"]) for p in people] == [(4, "Engines; Ltd")]


def test_linkedin_import_twice_adds_nobody_the_second_time(now: datetime, ids: Ids) -> None:
    people, _ = read_linkedin(CONNECTIONS)
    first = plan_import([], people)
    assert len(first.add) == 5
    assert first.errors == []
    contacts = contacts_from(first.add, now, ids)
    second = plan_import(contacts, read_linkedin(CONNECTIONS)[0])
    assert (second.add, second.update, second.unchanged) == ([], [], 5)


# -- any CSV ---------------------------------------------------------------------------


def test_a_google_sheets_export_reads_fields_lines_and_ignores_unknown_columns() -> None:
    people, errors = read_csv(DATA / "csv_google_sheets.csv")
    assert errors == []
    assert [(p.line, dict(p.fields)) for p in people] == [
        (
            2,
            {
                "name": "Ada Lovelace",
                "company": "Analytical Engines",
                "role": "Mathematician",
                "email": "ada@example.com",
                "phone": "+44 20 7946 0000",
                "linkedin": "linkedin.com/in/ada",
                "source": "Alumni list",
                "referred_by": "Charles Babbage",
                "notes": "Met at the RSA, loved the engine talk",
            },
        ),
        (
            3,
            {
                "name": "Grace Hopper",
                "company": "Navy, United States",
                "role": "Rear Admiral",
                "email": "grace@example.com",
                "notes": "Two lines:\r\nthe second one",
            },
        ),
        (6, {"name": "Linus 🐧 Torvalds", "company": "Linux Foundation", "role": "Fellow"}),
        (
            8,
            {
                "name": "Katherine Johnson",
                "company": "NASA",
                "role": "Mathematician",
                "source": "Article",
                "notes": 'She said "always ask"',
            },
        ),
    ]


def test_a_semicolon_csv_with_a_bom_joins_first_and_last_names() -> None:
    people, errors = read_csv(DATA / "csv_semicolon.csv")
    assert errors == []
    assert [(p.line, dict(p.fields)) for p in people] == [
        (
            2,
            {
                "name": "Jürgen Müller",
                "company": "Siemens AG",
                "role": "Ingenieur",
                "email": "juergen@example.de",
                "connected_on": "2025-03-01",
                "notes": "Kaffee; nächste Woche",
            },
        ),
        (3, {"name": "Zoë Ng", "company": "ACME; GmbH", "role": "CTO"}),
        (
            4,
            {
                "name": "Élodie",
                "company": "Dassault",
                "role": "Chef de projet",
                "email": "elodie@example.fr",
            },
        ),
    ]


def test_a_broken_csv_reports_each_bad_row_and_imports_the_rest() -> None:
    people, errors = read_csv(DATA / "csv_broken.csv")
    assert [(p.line, p.fields["name"]) for p in people] == [
        (2, "Ada Lovelace"),
        (6, "Grace Hopper"),
        (8, "Katherine Johnson"),
    ]
    assert [str(error) for error in errors] == [
        'line 3: a quote inside a value is not doubled (write "" for a quote)',
        "line 4: the row has 4 values but the header has 3 columns; "
        "is a value with a comma missing its quotes?",
        "line 5: no name (the name cells of this row are empty)",
        "line 7: a quoted value starts on this line and is never closed",
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Full Name,Organization,Job Title,E-mail Address", ("name", "company", "role", "email")),
        ("NAME,ORGANISATION,POSITION,EMAIL", ("name", "company", "role", "email")),
        ("name,company,role,email", ("name", "company", "role", "email")),
        ("Contact,Employer,Title,Mail", ("name", "company", "role", "email")),
        (" Name , Company , Role , E-Mail ", ("name", "company", "role", "email")),
        ("Name,Referred By,Phone,Profile", ("name", "referred_by", "phone", "linkedin")),
        ("Name,Source,Notes,URL", ("name", "source", "notes", "linkedin")),
        (
            "Name,referred_by,connected_on,cadence",
            ("name", "referred_by", "connected_on", "cadence"),
        ),
    ],
)
def test_common_header_names_are_recognised(
    tmp_path: Path, header: str, expected: tuple[str, ...]
) -> None:
    people, errors = read_csv(write(tmp_path, f"{header}\nv1,v2,v3,v4\n"))
    assert errors == []
    assert dict(people[0].fields) == dict(zip(expected, ("v1", "v2", "v3", "v4"), strict=True))


def test_every_email_column_is_kept_for_matching(tmp_path: Path) -> None:
    path = write(
        tmp_path, "Name,Email,E-mail Address\nAda,,ada@home.example\nBo,b@w.example,b@h.example\n"
    )
    people, _ = read_csv(path)
    assert [(dict(p.fields).get("email"), p.emails) for p in people] == [
        ("ada@home.example", ("ada@home.example",)),
        ("b@w.example", ("b@w.example", "b@h.example")),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Org=company,Job=role", {"Org": "company", "Job": "role"}),
        (" Org = company , Job=ROLE ,", {"Org": "company", "Job": "role"}),
        ("Who sent them=Referred By", {"Who sent them": "referred_by"}),
        (
            "Vorname=first_name,Nachname=last-name",
            {"Vorname": "first_name", "Nachname": "last_name"},
        ),
        ("", {}),
    ],
)
def test_parse_mapping(text: str, expected: dict[str, str]) -> None:
    assert parse_mapping(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Org=employer", "'employer' is not a contact field; use one of: name, company,"),
        ("Org", "'Org' is not COLUMN=FIELD (for example \"Org=company\")."),
        ("=company", "'=company' is not COLUMN=FIELD"),
        ("Org=", "'' is not a contact field"),
    ],
)
def test_parse_mapping_explains_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_mapping(text)


def test_a_mapping_names_columns_the_defaults_do_not_know(tmp_path: Path) -> None:
    path = write(tmp_path, "Vorname,Nachname,Firma,Name\nJürgen,Müller,Siemens,Jü\n")
    mapping = parse_mapping("vorname=first_name,NACHNAME=last_name,Firma=company")
    people, errors = read_csv(path, mapping)
    assert errors == []
    # Mapping first and last name means the "Name" column is not the name.
    assert dict(people[0].fields) == {"name": "Jürgen Müller", "company": "Siemens"}


def test_a_mapping_wins_over_a_recognised_header(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Company,Employer\nAda,Old Co,New Co\n")
    people, _ = read_csv(path, {"Employer": "company"})
    assert people[0].fields["company"] == "New Co"


@pytest.mark.parametrize(
    ("content", "mapping", "error"),
    [
        (
            "Org,Job\nAcme,CTO\n",
            None,
            "line 1: no name column in the header (looked for Name, Full Name, or First Name "
            'and Last Name); name one with a mapping such as --map "Contact=name"',
        ),
        (
            "\n\nName,Company\nAda,Acme\n",
            {"Org": "company"},
            "line 3: the mapping names a column 'Org' that is not in the header (Name, Company)",
        ),
        ("", None, "line 1: the file is empty"),
        ("\r\n \r\n", None, "line 1: the file is empty"),
        (
            '"Name,Company\nAda,Acme\n',
            None,
            "line 1: a quoted value starts on this line and is never closed",
        ),
    ],
)
def test_a_header_problem_is_one_error_and_no_people(
    tmp_path: Path, content: str, mapping: dict[str, str] | None, error: str
) -> None:
    people, errors = read_csv(write(tmp_path, content), mapping)
    assert people == []
    assert [str(e) for e in errors] == [error]


def test_a_tab_separated_utf16_file_from_excel(tmp_path: Path) -> None:
    text = "Name\tCompany\tNotes\r\nZoë Ng\tACME, GmbH\t😀\r\n"
    people, errors = read_csv(write(tmp_path, text.encode("utf-16")))
    assert errors == []
    assert dict(people[0].fields) == {"name": "Zoë Ng", "company": "ACME, GmbH", "notes": "😀"}


def test_a_csv_in_another_encoding_is_one_error_naming_the_byte(tmp_path: Path) -> None:
    data = "Name,Company\nAda,Engines\nJosé,Telefónica\n".encode("cp1252")
    people, errors = read_csv(write(tmp_path, b"\xef\xbb\xbf" + data))
    assert people == []
    offset = 3 + data.index(b"\xe9")
    assert [(e.line, e.message.split(";")[0]) for e in errors] == [
        (3, f"byte {offset} (0xe9) is not UTF-8 text")
    ]


def test_a_missing_file_is_an_interchange_error(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match=r"Can't read .*nowhere\.csv"):
        read_csv(tmp_path / "nowhere.csv")
    with pytest.raises(InterchangeError, match="Can't read"):
        read_linkedin(tmp_path / "nowhere.csv")


def test_csv_import_twice_adds_nobody_the_second_time(now: datetime, ids: Ids) -> None:
    path = DATA / "csv_google_sheets.csv"
    first = plan_import([], read_csv(path)[0])
    assert len(first.add) == 4
    second = plan_import(contacts_from(first.add, now, ids), read_csv(path)[0])
    assert (second.add, second.update, second.unchanged) == ([], [], 4)


# -- writing CSV -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("-2+3", "'-2+3"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("Ada = genius", "Ada = genius"),
        ("a-b", "a-b"),
        ("", ""),
        ("'quoted'", "'quoted'"),
    ],
)
def test_neutralise(value: str, cell: str) -> None:
    assert neutralise(value) == cell


@pytest.fixture
def exported(make_contact: MakeContact, now: datetime, ids: Ids) -> list[Contact]:
    ada = make_contact(
        "Ada Lovelace",
        stage=Stage.MET,
        company="Analytical Engines, Ltd",
        notes="Line one\nline two, with a comma",
    )
    evil = make_contact('=HYPERLINK("http://evil.example","click")', company="-2+3")
    evil = evil.with_event(pipeline.archive(evil, ArchiveReason.NO_RESPONSE, now, ids()))
    sum_ = make_contact("@SUM(A1:A9)", phone="+1 555 0100", role="=cmd|' /C calc'!A0")
    return [ada, evil, sum_]


def exported_rows(contacts: list[Contact]) -> list[list[str]]:
    out = io.StringIO(newline="")
    write_csv(contacts, out)
    assert out.getvalue().endswith("\r\n")
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def test_the_csv_export_has_every_field_and_reads_back(exported: list[Contact]) -> None:
    header, *rows = exported_rows(exported)
    assert tuple(header) == EXPORT_COLUMNS
    assert header[1 : 1 + len(CONTACT_FIELDS)] == list(CONTACT_FIELDS)
    ada = dict(zip(header, rows[0], strict=True))
    contact = exported[0]
    assert ada["id"] == contact.id
    assert ada["name"] == "Ada Lovelace"
    assert ada["company"] == "Analytical Engines, Ltd"
    assert ada["notes"] == "Line one\nline two, with a comma"
    assert ada["stage"] == "met"
    assert ada["archived"] == "no"
    assert ada["archive_reason"] == ""
    assert ada["created_at"] == contact.created_at.isoformat()
    assert ada["stage_changed_at"] == contact.stage_changed_at.isoformat()
    day = contact.created_at.date().isoformat()  # three moves an hour apart, same day
    assert ada["history"] == f"{day} identified; {day} requested; {day} met"


def test_the_csv_export_neutralises_formulas(exported: list[Contact]) -> None:
    header, *rows = exported_rows(exported)
    evil = dict(zip(header, rows[1], strict=True))
    assert evil["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert evil["company"] == "'-2+3"
    assert evil["archived"] == "yes"
    assert evil["archive_reason"] == "no response"
    assert evil["history"].endswith(" archived (no response)")
    at_sum = dict(zip(header, rows[2], strict=True))
    assert (at_sum["name"], at_sum["phone"], at_sum["role"]) == (
        "'@SUM(A1:A9)",
        "'+1 555 0100",
        "'=cmd|' /C calc'!A0",
    )
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_the_csv_export_imports_back_as_the_same_people(
    tmp_path: Path, exported: list[Contact]
) -> None:
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        write_csv(exported, out)
    people, errors = read_csv(path)
    assert errors == []
    assert [dict(p.fields) for p in people] == [
        {name: value for name, value in contact.fields().items() if value} for contact in exported
    ]


def test_history_text_lists_moves_archives_and_restores(
    make_contact: MakeContact, now: datetime, ids: Ids
) -> None:
    contact = make_contact(stage=Stage.REQUESTED, stage_at=now - timedelta(days=10))
    contact = contact.with_event(
        pipeline.archive(contact, ArchiveReason.DECLINED, now - timedelta(days=5), ids())
    )
    contact = contact.with_event(pipeline.restore(contact, now, ids()))
    assert history_text(contact) == (
        "2026-11-12 identified; 2026-11-12 requested; 2026-11-17 archived (declined); "
        "2026-11-22 restored"
    )


# -- the JSON backup -------------------------------------------------------------------


@pytest.fixture
def everything(make_contact: MakeContact, now: datetime, ids: Ids) -> list[Contact]:
    met = make_contact("Ada Lovelace", stage=Stage.THANKED, company="Engines", cadence="4")
    meeting = Meeting(
        id="meet1",
        scheduled_at=now - timedelta(days=3),
        format=MeetingFormat.COFFEE,
        minutes=20,
        place="Café Nero, Strand",
        research="Wrote the first program.",
        goals="Ask about notes G",
        agenda=(
            AgendaItem("builtin-career-path-01", "How did you start?", "career path", True, "Luck"),
            AgendaItem("mine-1", "Who else should I talk to?", "network"),
        ),
        notes="Talked for 20 minutes ☕",
        takeaways=("Publish notes",),
        promises=(
            Promise("p1", "Send the paper", now + timedelta(days=2)),
            Promise("p2", "Intro to Babbage", now - timedelta(days=1), done_at=now),
        ),
        referrals=("Charles Babbage, Engines",),
        started_at=now - timedelta(days=3),
        held_at=now - timedelta(days=3, minutes=-20),
    )
    met = replace(met, meetings=(meeting,))
    referred = replace(make_contact("Charles Babbage"), referrer_id=met.id)
    archived = make_contact("Grace Hopper", stage=Stage.REQUESTED)
    archived = archived.with_event(pipeline.archive(archived, ArchiveReason.OTHER, now, ids()))
    return [met, referred, archived]


QUESTIONS = [
    replace(BUILTIN_QUESTIONS[0], hidden=True, tags=("first",)),
    Question("mine-1", "Who else should I talk to?", Category.NETWORK, ("always",)),
]
SETTINGS = {"follow_up_months": 4, "my_name": "Zoë", "follow_up_overdue_factor": 1.5}


def export(tmp_path: Path, contacts: list[Contact], now: datetime) -> Path:
    path = tmp_path / "backup.json"
    with path.open("w", encoding="utf-8") as out:
        export_json(contacts, QUESTIONS, SETTINGS, now, out)
    return path


def test_the_backup_round_trips_contacts_meetings_questions_and_settings(
    tmp_path: Path, everything: list[Contact], now: datetime
) -> None:
    backup = read_backup(export(tmp_path, everything, now))
    assert backup.errors == []
    assert backup.contacts == everything
    assert backup.contacts[0].meetings[0].promises[1].done_at == now
    assert [c.stage for c in backup.contacts] == [c.stage for c in everything]
    assert backup.contacts[2].archived
    assert backup.questions == QUESTIONS
    assert backup.settings == SETTINGS
    assert backup.exported_at == now.isoformat()


def test_the_backup_file_is_readable_json(
    tmp_path: Path, everything: list[Contact], now: datetime
) -> None:
    text = export(tmp_path, everything, now).read_text(encoding="utf-8")
    document = json.loads(text)
    assert (document["format"], document["version"]) == (FORMAT, 3)
    assert document["exported_at"] == "2026-11-22T10:00:00+00:00"
    assert list(document) == sorted(document)
    assert text.startswith('{\n  "contacts": [\n    {\n')
    assert "Café Nero" in text  # UTF-8, not \\u escapes
    assert "☕" in text
    assert text == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_a_backup_with_bad_records_skips_them_and_says_where() -> None:
    backup = read_backup(DATA / "backup_one_bad_record.json")
    assert [(c.id, c.name) for c in backup.contacts] == [("c0ffee01", "Ada Lovelace")]
    assert [q.id for q in backup.questions] == ["builtin-career-path-01"]
    assert backup.questions[0].hidden
    assert backup.settings == {"follow_up_months": 3}
    assert [str(error) for error in backup.errors] == [
        "line 19: contact 2 of 4 is malformed and was skipped: contact c0ffee02: "
        "event time 'last tuesday' is not an ISO 8601 date",
        "line 31: contact 3 of 4 is malformed and was skipped: a contact is not an object",
        "line 32: contact 4 of 4 repeats the id c0ffee01 of an earlier one and was skipped",
        "line 44: question 2 of 2 is malformed and was skipped: "
        "question mine-1: category 'no such category' is unknown",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'{\n  "format": "coffeechat-backup",\n  "contacts": [}\n',
            r"is not a coffeechat backup: it is not valid JSON \(line 3, column 16: ",
        ),
        (b"", r"it is not valid JSON \(line 1, column 1: Expecting value\)"),
        (b"Name,Company\nAda,Engines\n", r"it is not valid JSON \(line 1, column 1"),
        (b'{"contacts": []}', r'is not a coffeechat backup \(it has no "format": '),
        (b'[{"format": "coffeechat-backup"}]', r"is not a coffeechat backup \(it has no"),
        (b'{"format": "coffeechat-backup"}', r"its version is None\."),
        (
            b'{"format": "coffeechat-backup", "version": 4}',
            r"was written by a newer coffeechat \(backup version 4; this one reads version 3\)",
        ),
        (
            b'{"format": "coffeechat-backup", "version": 1, "contacts": {}}',
            r'"contacts" is not a list\.',
        ),
        (b'{"format": "caf\xe9"}', r"backup: byte 15 \(0xe9, line 1\) is not UTF-8 text\."),
        (b"[" * 100_000, r"nested too deeply|not valid JSON"),
    ],
)
def test_a_file_that_is_not_a_backup_is_one_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = write(tmp_path, content, "backup.json")
    with pytest.raises(InterchangeError, match=message) as caught:
        read_backup(path)
    assert str(caught.value).startswith(str(path))
    assert str(caught.value).endswith((".", ")", "it."))


def test_a_bom_before_the_backup_is_fine(
    tmp_path: Path, everything: list[Contact], now: datetime
) -> None:
    path = export(tmp_path, everything, now)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_backup(path).contacts == everything


def test_restoring_a_backup_twice_restores_nothing_the_second_time(
    tmp_path: Path, everything: list[Contact], now: datetime
) -> None:
    backup = read_backup(export(tmp_path, everything, now))
    restored, plan = plan_backup([], backup)
    assert restored == everything
    assert (plan.add, plan.update, plan.unchanged, plan.errors) == ([], [], 0, [])
    assert restore_summary(restored, plan) == "3 to restore · 0 already there"
    again, plan = plan_backup(restored, backup)
    assert again == []
    assert plan.unchanged == 3
    assert restore_summary(again, plan) == "0 to restore · 3 already there"


def test_restoring_by_id_leaves_existing_contacts_alone(
    tmp_path: Path, everything: list[Contact], now: datetime
) -> None:
    backup = read_backup(export(tmp_path, everything, now))
    edited = replace(everything[0], notes="changed since the backup")
    restored, plan = plan_backup([edited], backup)
    assert restored == everything[1:]
    assert plan.unchanged == 1


def test_a_backups_skipped_records_show_in_the_plan() -> None:
    backup = read_backup(DATA / "backup_one_bad_record.json")
    restored, plan = plan_backup([], backup)
    assert [c.id for c in restored] == ["c0ffee01"]
    assert lines_of(plan.errors) == [19, 31, 32, 44]
    assert restore_summary(restored, plan) == "1 to restore · 0 already there · 4 skipped"


def test_plan_backup_does_not_restore_a_repeated_id_twice(everything: list[Contact]) -> None:
    backup = Backup(contacts=[everything[0], everything[0]])
    restored, _ = plan_backup([], backup)
    assert restored == [everything[0]]


# -- boundaries ------------------------------------------------------------------------


def test_the_file_importers_need_neither_textual_nor_tinydb_nor_storage() -> None:
    code = (
        "import json, sys\n"
        "import coffeechat.interchange.linkedin, coffeechat.interchange.csv_files\n"
        "import coffeechat.interchange.backup\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert not {"textual", "tinydb", "coffeechat.storage", "coffeechat.ui"} & loaded


def test_a_version_1_backup_with_free_text_events_restores_with_their_meaning(
    tmp_path: Path,
) -> None:
    """Backups made before typed events (version 1) still restore, reasons and all."""
    at = "2026-11-01T10:00:00+00:00"
    old = {
        "format": FORMAT,
        "version": 1,
        "contacts": [
            {
                "id": "c1",
                "name": "Ada",
                "events": [
                    {"id": "e1", "kind": "created", "at": at, "to": "identified", "note": ""},
                    {"id": "e2", "kind": "archive", "at": at, "from": "identified",
                     "note": "declined"},
                ],
            }
        ],
    }  # fmt: skip
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    (contact,) = read_backup(path).contacts
    assert contact.archived
    assert contact.archive_reason == "declined"


def test_an_import_matches_a_name_decomposed_as_macos_sends_it(now: datetime, ids: Ids) -> None:
    composed = unicodedata.normalize("NFC", "José Núñez")
    contacts = contacts_from([{"name": composed, "company": "Acme"}], now, ids)
    decomposed = unicodedata.normalize("NFD", composed)
    incoming = [Incoming(2, {"name": decomposed, "company": "ACME", "role": "CTO"})]
    plan = plan_import(contacts, incoming)
    assert plan.add == []
    assert [(u.contact.id, dict(u.fields)) for u in plan.update] == [
        (contacts[0].id, {"role": "CTO"})
    ]


def test_a_broken_utf16_file_is_named_as_utf16_not_utf8(tmp_path: Path) -> None:
    """A UTF-16 mark, then bytes that end mid-character: the sentence says what it was read as."""
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe bad bytes,x\n")
    text, error = read_text(path)
    assert text == ""
    assert error is not None
    assert "is not UTF-16 text" in error.message
    assert "UTF-8 text" not in error.message.split(";")[0]
