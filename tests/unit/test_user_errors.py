"""One base class for the errors a person can fix; the CLI reports each as itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from coffeechat.domain.dates import DateParseError
from coffeechat.domain.errors import UserError
from coffeechat.domain.fields import ValidationError
from coffeechat.domain.pipeline import MoveError
from coffeechat.domain.records import RecordError
from coffeechat.domain.search import ContactLookupError
from coffeechat.interchange.errors import InterchangeError, MappingError
from coffeechat.storage import errors as storage_errors
from tests.unit.cli_support import Run
from tests.unit.test_cli import assert_user_error

DATA = Path(__file__).parent.parent / "data" / "interchange"


@pytest.mark.parametrize(
    "error_type",
    [
        ValidationError,
        DateParseError,
        MoveError,
        RecordError,
        ContactLookupError,
        InterchangeError,
        MappingError,
        storage_errors.StorageError,
        storage_errors.CorruptDatabaseError,
        storage_errors.DatabaseWriteError,
        storage_errors.DatabaseLockedError,
        storage_errors.NewerSchemaError,
        storage_errors.NotFoundError,
    ],
)
def test_every_error_for_people_is_a_user_error(error_type: type[Exception]) -> None:
    assert issubclass(error_type, UserError)
    assert issubclass(error_type, storage_errors.USER_FACING_ERRORS)


@pytest.mark.parametrize(
    "error_type",
    [ValidationError, DateParseError, MoveError, RecordError, InterchangeError, MappingError],
)
def test_errors_that_were_value_errors_still_are(error_type: type[Exception]) -> None:
    assert issubclass(error_type, ValueError)  # older `except ValueError` code keeps working


def test_a_programming_error_is_not_a_user_error() -> None:
    assert not issubclass(ValueError, storage_errors.USER_FACING_ERRORS)
    assert not issubclass(KeyError, UserError)


def test_a_bad_map_is_labelled_map(run: Run, db: Path) -> None:
    result = run("import", "csv", str(DATA / "csv_google_sheets.csv"), "--map", "Org=employer")
    assert_user_error(result)
    assert result.err.startswith("coffeechat: --map: 'employer' is not a contact field")


def test_an_error_that_is_not_about_the_map_is_not_labelled_map(
    run: Run, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every domain error used to be a ValueError, and `import` labelled every
    # ValueError as a bad --map, even with no --map given.
    def refuse(*args: object, **kwargs: object) -> None:
        raise ValidationError({"name": "a name is required"})

    monkeypatch.setattr("coffeechat.transfer.import_file", refuse)
    result = run("import", "csv", str(DATA / "csv_google_sheets.csv"))
    assert_user_error(result)
    assert result.err == "coffeechat: Name: a name is required\n"


def test_a_broken_backup_names_the_file_not_the_map(run: Run, db: Path, tmp_path: Path) -> None:
    broken = tmp_path / "backup.json"
    broken.write_text('{"format": "coffeechat-backup", "version": "one"}')
    result = run("import", "json", str(broken))
    assert_user_error(result)
    assert "--map" not in result.err
    assert str(broken) in result.err
    # A --map on a backup is not ignored: it is a usage error (exit 2) naming --map.
    with pytest.raises(SystemExit) as exit_info:
        run("import", "json", str(broken), "--map", "Org=company")
    assert exit_info.value.code == 2
