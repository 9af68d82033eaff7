"""Record keys TinyDB cannot tell apart ("01" beside "1", "ada"): every record is kept.

TinyDB turns each key into a doc id with int(), so "01" and "1" were one doc
id: ``list`` showed one of them and the next write to that id replaced the
other, a contact lost for good.  Such keys are renumbered (in memory; the file
is rewritten only by the next real change) and nothing is dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coffeechat.storage.repository import Repository
from tests.conftest import file_bytes
from tests.reliability.storage_support import (
    cli,
    contact_record,
    database_bytes,
    stored_names,
)

CLASHES = {
    "leading-zero": {"1": "Ada Lovelace", "01": "Bob Moses"},
    "leading-zeros-and-gap": {"001": "Ada Lovelace", "1": "Bob Moses", "3": "Cy Young"},
    "not-a-number": {"1": "Ada Lovelace", "ada": "Bob Moses"},
    "not-ascii-digits": {"1": "Ada Lovelace", "١": "Bob Moses"},
    "only-strays": {"x": "Ada Lovelace", "y": "Bob Moses"},
}


def file_with(db: Path, keys: dict[str, str]) -> None:
    db.write_bytes(
        database_bytes({key: contact_record(name, n) for n, (key, name) in enumerate(keys.items())})
    )


@pytest.mark.parametrize("keys", CLASHES.values(), ids=CLASHES)
def test_list_shows_every_record_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: dict[str, str]
) -> None:
    db = tmp_path / "contacts.json"
    file_with(db, keys)
    before = file_bytes(db)

    result = cli(capsys, db, "list", "--json")

    assert result.code == 0, result.err
    assert sorted(c["name"] for c in result.json()) == sorted(set(keys.values()))
    assert file_bytes(db) == before  # reading renumbers in memory only


@pytest.mark.parametrize("keys", CLASHES.values(), ids=CLASHES)
def test_add_and_advance_keep_every_contact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: dict[str, str]
) -> None:
    db = tmp_path / "contacts.json"
    file_with(db, keys)

    assert cli(capsys, db, "advance", "Bob").code == 0
    assert cli(capsys, db, "add", "Grace Hopper").code == 0

    assert stored_names(db) == sorted({*keys.values(), "Grace Hopper"})
    listed = cli(capsys, db, "list", "--json").json()
    assert sorted(c["name"] for c in listed) == sorted({*keys.values(), "Grace Hopper"})
    bob = next(c for c in listed if c["name"] == "Bob Moses")
    assert bob["stage"] == "requested"


def test_the_repository_writes_each_contact_to_its_own_record(tmp_path: Path) -> None:
    db = tmp_path / "contacts.json"
    file_with(db, {"1": "Ada Lovelace", "01": "Bob Moses"})
    repo = Repository(db)
    for contact in repo.contacts():
        repo.edit(contact.id, {"notes": f"about {contact.name}"}, contact.created_at)

    again = Repository(db)
    assert {c.name: c.notes for c in again.contacts()} == {
        "Ada Lovelace": "about Ada Lovelace",
        "Bob Moses": "about Bob Moses",
    }


def with_a_repeated_key(compact: bool) -> bytes:
    """Two new contacts both stored as "2": what a git merge of two branches leaves."""
    text = database_bytes(
        {"1": contact_record("Ada Lovelace", 1), "2": contact_record("Bob Moses", 2),
         "3": contact_record("Cy Young", 3)}
    ).decode()  # fmt: skip
    text = text.replace('"3": {', '"2": {')
    if compact:
        text = json.dumps(json.loads(text))  # still one "2": json keeps the last
        bob = json.dumps({"2": contact_record("Bob Moses", 2)})[1:-1]
        text = text.replace('"contacts": {', '"contacts": {' + bob + ", ", 1)
    return text.encode()


@pytest.mark.parametrize("compact", [False, True], ids=["as-written", "one-line"])
def test_a_key_repeated_in_the_text_keeps_both_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], compact: bool
) -> None:
    db = tmp_path / "contacts.json"
    db.write_bytes(with_a_repeated_key(compact))
    before = file_bytes(db)

    listed = cli(capsys, db, "list", "--json")
    assert file_bytes(db) == before
    assert sorted(c["name"] for c in listed.json()) == ["Ada Lovelace", "Bob Moses", "Cy Young"]

    assert cli(capsys, db, "advance", "Bob").code == 0
    assert cli(capsys, db, "add", "Grace Hopper").code == 0
    assert stored_names(db) == ["Ada Lovelace", "Bob Moses", "Cy Young", "Grace Hopper"]


def four_space_layout_with_a_repeat() -> bytes:
    """What `python -m json.tool` (4 spaces) leaves after a git merge of two new contacts.

    Two tables and two records: counting lines that start 4 spaces in (the old
    check) saw exactly as many as it expected, and the first "1" was dropped.
    """
    ann = json.dumps(contact_record("Ann One", 1), indent=4).replace("\n", "\n        ")
    bob = json.dumps(contact_record("Bob Two", 2), indent=4).replace("\n", "\n        ")
    meta = json.loads(database_bytes({}))["meta"]["1"]
    meta_text = json.dumps(meta, indent=4).replace("\n", "\n        ")
    contacts = f'    "contacts": {{\n        "1": {ann},\n        "1": {bob}\n    }},\n'
    return f'{{\n{contacts}    "meta": {{\n        "1": {meta_text}\n    }}\n}}\n'.encode()


def repeated_mid_line() -> bytes:
    """Our own layout, with a hand edit that put a repeated key mid-line: `}, "1": {`."""
    text = database_bytes({"1": contact_record("Ann One", 1)}).decode()
    bob = json.dumps(contact_record("Bob Two", 2))
    return text.replace('"contacts": {', '"contacts": {"1": ' + bob + ", ", 1).encode()


@pytest.mark.parametrize(
    "make", [four_space_layout_with_a_repeat, repeated_mid_line], ids=["4-spaces", "mid-line"]
)
def test_a_repeat_in_any_layout_keeps_both_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make
) -> None:
    db = tmp_path / "contacts.json"
    db.write_bytes(make())
    listed = cli(capsys, db, "list", "--json")
    assert sorted(c["name"] for c in listed.json()) == ["Ann One", "Bob Two"]
    assert cli(capsys, db, "add", "Cy Three").code == 0
    assert stored_names(db) == ["Ann One", "Bob Two", "Cy Three"]
