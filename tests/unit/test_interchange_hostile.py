"""Issue 10: text from files is cleaned where it enters, exports stay inert, bad cells don't abort.

Items 16 (input), 17, 19 (imports, ICS), 20, 21 (imports), 26, 27.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from coffeechat.domain import text
from coffeechat.domain.model import Contact
from coffeechat.storage.repository import Repository
from coffeechat.transfer import export_bytes, import_file

HOSTILE = "\x1b[31m\x07\x00\x9b\u202e"  # ESC sequence, BEL, NUL, C1 CSI, a bidi override
RAW = ("\x1b", "\x07", "\x00", "\x9b", "\u202e", "\x1c", "\x85", "\u2028")


def _raw_in(text: str) -> list[str]:
    return [repr(c) for c in RAW if c in text]


# -- 16: one rule, wherever text enters --------------------------------------------------


def test_the_rule_drops_controls_and_bidi_overrides_and_keeps_lines() -> None:
    raw = "Ada\x1b[2J\x07\x00 Love\u202elace\r\nline 2\x85line 3\u2028line 4\x1cend\ttab"
    assert text.printable(raw) == "Ada[2J Lovelace\nline 2\nline 3\nline 4\nend\ttab"
    assert text.one_line(" Ada \n Lovelace\x1b ") == "Ada Lovelace"
    # Right-to-left marks and emoji joiners are text, not tricks.
    rtl_and_emoji = "\u200f\u05e9\u05dc\u05d5\u05dd 👩\u200d💻"
    assert text.printable(rtl_and_emoji) == rtl_and_emoji


def test_a_hand_edited_database_is_cleaned_on_read_and_still_loads(
    repo: Repository, db_path: Path, now: datetime
) -> None:
    contact = repo.add({"name": "Ada Lovelace", "notes": "first"}, now)
    data = json.loads(db_path.read_text())
    record = next(iter(data["contacts"].values()))
    record["name"] = f"Ada{HOSTILE} Lovelace"
    record["company"] = "Analytical\x1b]0;pwned\x07 Engines"
    record["notes"] = "line one\x1b[2J\nline two\x00\u2028line three"
    record["events"][0]["data"] = {}
    db_path.write_text(json.dumps(data))

    fresh = Repository(db_path)
    [read] = fresh.contacts()
    assert read.id == contact.id
    assert read.name == "Ada[31m Lovelace"
    assert read.company == "Analytical]0;pwned Engines"
    assert read.notes == "line one[2J\nline two\nline three"  # the lines are kept


def test_json_backup_restore_stores_clean_text(
    repo: Repository, tmp_path: Path, now: datetime
) -> None:
    source = Repository(tmp_path / "other.json")
    source.add({"name": "Grace Hopper", "notes": "a\nb"}, now)
    backup = json.loads(export_bytes(source, "json", now))
    backup["contacts"][0]["name"] = f"Grace{HOSTILE} Hopper"
    backup["contacts"][0]["notes"] = f"a{HOSTILE}\nb"
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(backup))

    import_file(repo, "json", path, now)

    [contact] = repo.contacts()
    assert contact.name == "Grace[31m Hopper"
    assert contact.notes == "a[31m\nb"
    assert not _raw_in(Path(repo.path).read_text(encoding="utf-8"))


def test_csv_notes_lose_separator_controls_and_keep_lines(
    repo: Repository, tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "people.csv"
    path.write_text('Name,Notes\nAda,"one\x1ctwo\x85three\u2028four\x1b"\n', encoding="utf-8")

    import_file(repo, "csv", path, now)

    [contact] = repo.contacts()
    assert contact.notes == "one\ntwo\nthree\nfour"


# -- 17: exports stay inert --------------------------------------------------------------


def test_csv_export_defuses_fullwidth_and_spaced_formulas() -> None:
    from coffeechat.interchange.csv_files import neutralise

    formulas = ("＝1+2", "＋1", "－1", "＠SUM(A1)", " =1+2", "\n=1+2", " @SUM(A1)", "\u3000-1")
    for formula in formulas:
        assert neutralise(formula) == "'" + formula, formula
    assert neutralise("Ada ＝ genius") == "Ada ＝ genius"


def test_csv_import_takes_the_quote_off_what_the_export_defused(tmp_path: Path) -> None:
    from coffeechat.interchange.csv_files import read_csv

    path = tmp_path / "back.csv"
    path.write_text("Name,Company\nAda,'＝1+2\n", encoding="utf-8")
    [person], _ = read_csv(path)
    assert person.fields["company"] == "＝1+2"


def _hostile_contact(now: datetime) -> Contact:
    from coffeechat.domain import pipeline
    from coffeechat.domain.meetings import Meeting

    contact = pipeline.new_contact({"name": "Ada Lovelace"}, now, "c" * 32, "e" * 32)
    odd = "a\x1cb\x1dc\x1ed\x1fe\x85f\u2028g\u2029h\x1bi"
    meeting = Meeting(id="m" * 32, scheduled_at=now, place=odd, goals=odd)
    # Built directly: what a contact from anywhere could hold, cleaned or not.
    return replace(contact, name=f"Ada {odd}", company=odd, notes=odd, meetings=(meeting,))


def test_ics_and_vcard_exports_drop_separator_controls_and_unicode_line_breaks(
    now: datetime,
) -> None:
    import io

    from coffeechat.interchange.calendar import write_calendar
    from coffeechat.interchange.vcard import write_vcards

    contact = _hostile_contact(now)
    ics = io.BytesIO()
    write_calendar([contact], [], now, ics)
    calendar = ics.getvalue().decode("utf-8")
    cards = io.StringIO(newline="")
    write_vcards([contact], cards, include_notes=True)
    for exported in (calendar, cards.getvalue()):
        assert not _raw_in(exported)
        assert not any(c in exported for c in "\x1d\x1e\x1f\u2029")
    assert "LOCATION:a\\nb\\nc\\nd" in calendar  # breaks become escaped newlines


# -- 19: no traceback for extreme values; a bad cell costs the cell, not the row ---------


def test_ics_export_survives_year_9999_and_huge_lengths(
    repo: Repository, db_path: Path, now: datetime
) -> None:
    from datetime import timedelta

    odd = [
        ("9999-12-31T23:00:00-05:00", 30),  # no UTC time at all
        ("9999-12-31T23:00:00+00:00", 2**62),  # timedelta(minutes=2**62) overflows
        ("9999-12-31T23:00:00+00:00", 120),  # ends after the year 9999
    ]
    for index in range(len(odd) + 1):
        contact = repo.add({"name": f"Person {index}"}, now)
        fields = {"scheduled_at": now + timedelta(days=2), "minutes": 30}
        repo.schedule_meeting(contact.id, None, fields, now)
    data = json.loads(db_path.read_text())
    for record, (when, minutes) in zip(data["contacts"].values(), odd, strict=False):
        record["meetings"][0].update(scheduled_at=when, minutes=minutes)
    db_path.write_text(json.dumps(data))

    calendar = export_bytes(Repository(db_path), "ics", now).decode()

    assert "DTSTART:20261124T100000Z" in calendar  # the ordinary meeting is there
    assert calendar.count("BEGIN:VEVENT") == 3  # the one with no UTC time is left out
    assert "DTEND:99991231T235900Z" in calendar  # cut at the calendar's end


def test_a_bad_cadence_or_date_cell_costs_the_cell_not_the_row(
    repo: Repository, tmp_path: Path, now: datetime
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "Name,Company,Cadence,Connected on\n"
        "Ada,Engines,²,\n"
        "Bob,Y,①,\n"
        "Cy,Z,99999999999,\n"
        "Dee,W,3,2026-13-45\n"
        ",nobody,3,\n"
        "Eve,V,2,\n",
        encoding="utf-8",
    )

    report = import_file(repo, "csv", path, now)

    assert sorted(c.name for c in repo.contacts()) == ["Ada", "Bob", "Cy", "Dee", "Eve"]
    by_name = {c.name: c for c in repo.contacts()}
    assert by_name["Ada"].company == "Engines"
    assert by_name["Ada"].cadence == ""
    assert by_name["Dee"].cadence == "3"
    assert by_name["Dee"].connected_on == ""
    assert [w.line for w in report.warnings] == [2, 3, 4, 5]
    assert "'²' is not a number of months" in report.warnings[0].message
    assert report.left_out(path)[3].startswith("people.csv:5: Connected on:")
    assert [e.line for e in report.errors] == [6]  # no name: the row is skipped
    assert "4 values left out" in report.summary


# -- 20: a line folded millions of times --------------------------------------------------


def test_vobject_gets_each_folded_line_joined_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """vobject re-reads a logical line per physical line (quadratic): it must see it unfolded."""
    import vobject

    from coffeechat.interchange import vcard

    seen: list[str] = []
    read_one = vobject.readOne

    def spy(text: str, **options: Any) -> Any:
        seen.append(text)
        return read_one(text, **options)

    monkeypatch.setattr(vobject, "readOne", spy)
    path = tmp_path / "folded.vcf"
    folds = 20_000
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\n Lovelace\r\nNOTE:x"
        + b"\r\n y" * folds
        + b"\r\nEND:VCARD\r\n"
    )

    [person], errors = vcard.read_vcards(path)

    assert errors == []
    assert person.fields["name"] == "AdaLovelace"  # RFC unfolding: the space is the fold
    assert person.fields["notes"] == "x" + "y" * folds
    assert not any(line.startswith((" ", "\t")) for line in seen[0].splitlines())


def test_quoted_printable_soft_breaks_still_decode(tmp_path: Path) -> None:
    from coffeechat.interchange.vcard import read_vcards

    path = tmp_path / "outlook.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ren=C3=A9e\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:caf=C3=A9 =\r\nau lait=0D=0A=\r\nline 2\r\n"
        b"END:VCARD\r\n"
    )
    [person], errors = read_vcards(path)
    assert errors == []
    assert person.fields["notes"] == "café au lait\nline 2"


def test_an_oversized_import_file_is_refused_in_one_sentence(
    repo: Repository, tmp_path: Path, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coffeechat import transfer
    from coffeechat.interchange.errors import InterchangeError

    vcard_format = replace(transfer.IMPORT_FORMATS["vcard"], max_bytes=1024 * 1024)
    monkeypatch.setitem(transfer.IMPORT_FORMATS, "vcard", vcard_format)
    path = tmp_path / "huge.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nFN:x\r\nNOTE:" + b"y" * (1024 * 1024) + b"\r\nEND:VCARD\r\n")

    with pytest.raises(InterchangeError, match=r"huge\.vcf is larger than 1 MB") as raised:
        import_file(repo, "vcard", path, now)
    assert "\n" not in str(raised.value)
    assert repo.contacts() == []


# -- 21: where a file stops being UTF-8; a BOM is fine --------------------------------------


def test_invalid_utf8_is_reported_at_its_byte_and_line_even_after_a_bom(
    repo: Repository, tmp_path: Path, now: datetime
) -> None:
    from coffeechat.interchange.errors import InterchangeError

    bom = b"\xef\xbb\xbf"
    backup = tmp_path / "backup.json"
    backup.write_bytes(bom + b'{\n  "format": "coffeechat-backup",\n  "x": "caf\xe9"\n}\n')
    with pytest.raises(InterchangeError, match=r"byte 49 \(0xe9, line 3\) is not UTF-8"):
        import_file(repo, "json", backup, now)

    cards = tmp_path / "cards.vcf"
    cards.write_bytes(
        bom + b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren\xe9e\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n"
    )
    report = import_file(repo, "vcard", cards, now)
    assert report.added == ["Ada"]
    assert [e.line for e in report.errors] == [3]
    assert report.errors[0].message.startswith("byte 35 (0xe9) is not UTF-8 text")

    sheet = tmp_path / "people.csv"
    sheet.write_bytes(bom + b"Name\r\nAda\r\nRen\xe9e\r\n")
    with pytest.raises(InterchangeError, match=r"line 3: byte 17 \(0xe9\) is not UTF-8 text"):
        import_file(repo, "csv", sheet, now)


def test_a_bom_is_accepted_by_every_import(repo: Repository, tmp_path: Path, now: datetime) -> None:
    bom = "\ufeff"
    source = Repository(tmp_path / "other.json")
    source.add({"name": "Grace Hopper"}, now)
    files = {
        "csv": "Name,Company\nAda Lovelace,Engines\n",
        "vcard": "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\nEND:VCARD\r\n",
        "linkedin": "First Name,Last Name,Company\nKaty,Johnson,NASA\n",
        "json": export_bytes(source, "json", now).decode(),
    }
    for kind, content in files.items():
        path = tmp_path / f"with-bom.{kind}"
        path.write_text(bom + content, encoding="utf-8")
        report = import_file(repo, kind, path, now)
        assert report.errors == [], kind
    names = sorted(c.name for c in repo.contacts())
    assert names == ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Katy Johnson"]


# -- 26: the wrong kind of file, and filters an import does not take -------------------


@pytest.mark.parametrize(
    ("kind", "content", "said"),
    [
        ("csv", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n", "looks like a vCard"),
        ("linkedin", b"BEGIN:VCARD\r\nFN:Ada\r\nEND:VCARD\r\n", "import it as vcard"),
        ("csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a PNG image"),
        ("json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a coffeechat backup"),
        ("vcard", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "holds no vCard"),
        ("csv", b"Name,Company\r\n", "has no one to import: it has no rows"),
        ("csv", b"Name,Company\r\n,Acme\r\n,Initech\r\n", "line 2: no name"),
        ("linkedin", b"Name,Company\r\nAda,X\r\n", "no LinkedIn header row"),
    ],
)
def test_a_file_of_the_wrong_kind_exits_1_in_one_sentence(
    run: Any, db: Path, tmp_path: Path, kind: str, content: bytes, said: str
) -> None:
    path = tmp_path / "file"
    path.write_bytes(content)
    result = run("import", kind, str(path))
    assert result.code == 1, result
    assert result.err.count("\n") == 1, result.err
    assert said in result.err
    assert result.out == ""


def test_a_linkedin_filter_that_matches_nobody_is_not_an_error(
    run: Any, db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,Company\nAda,Lovelace,Engines\n", encoding="utf-8")
    result = run("import", "linkedin", str(path), "--company", "nobody")
    assert result.code == 0, result


@pytest.mark.parametrize(
    ("kind", "flag"),
    [
        ("vcard", "--company"),
        ("vcard", "--map"),
        ("json", "--position"),
        ("csv", "--company"),
        ("linkedin", "--map"),
    ],
)
def test_a_filter_the_import_does_not_take_is_a_usage_error(
    run: Any, db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, flag: str
) -> None:
    path = tmp_path / "file"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n")
    with pytest.raises(SystemExit) as exit_info:
        run("import", kind, str(path), flag, "Org=company")
    assert exit_info.value.code == 2
    assert f"import {kind} does not take {flag}" in capsys.readouterr().err
    assert not db.exists()


def test_the_formats_say_which_filters_they_take() -> None:
    from coffeechat.transfer import IMPORT_FORMATS

    filters = {kind: set(f.filters) for kind, f in IMPORT_FORMATS.items()}
    assert filters == {
        "linkedin": {"company", "position"},
        "csv": {"mapping"},
        "vcard": set(),
        "json": set(),
    }


# -- 27: a backup restores everything it holds ------------------------------------------------


def test_a_backup_restores_settings_hidden_questions_and_theme(
    repo: Repository, tmp_path: Path, now: datetime
) -> None:
    from coffeechat.domain.questions import BUILTIN_QUESTIONS

    source = Repository(tmp_path / "old-machine.json")
    source.add({"name": "Ada Lovelace"}, now)
    settings = replace(
        source.settings(), my_name="Sam Student", follow_up_months=6, nudge_days=5, theme="nord"
    )
    source.save_settings(settings)
    hidden = replace(BUILTIN_QUESTIONS[0], hidden=True, tags=("favourite",))
    source.save_question(hidden)
    backup = tmp_path / "backup.json"
    backup.write_bytes(export_bytes(source, "json", now))

    dry = import_file(repo, "json", backup, now, dry_run=True)
    assert "settings" in dry.summary
    assert repo.settings() != settings  # a dry run changes nothing

    import_file(repo, "json", backup, now)

    assert repo.settings() == settings
    [restored] = [q for q in repo.questions() if q.id == hidden.id]
    assert (restored.hidden, restored.tags) == (True, ("favourite",))
    again = import_file(repo, "json", backup, now)
    assert again.summary == "Restored 0 · 1 already there"  # nothing left to restore


def test_your_name_from_a_file_is_cleaned_too() -> None:
    from coffeechat.domain.settings import Settings

    assert Settings(my_name="Sam\x1b[2J Student\x07").my_name == "Sam[2J Student"
