"""Where the database lives, and where the stylesheets are."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from coffeechat.paths import default_db_path, resolve_db_path, styles_dir, stylesheet


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake home folder, so ``~`` and the platform default never mean the real one."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    return folder


def test_option_wins_over_variable(tmp_path: Path) -> None:
    option = tmp_path / "option.json"
    environ = {"COFFEECHAT_DB": str(tmp_path / "variable.json")}
    assert resolve_db_path(str(option), environ) == option


def test_variable_wins_over_default(tmp_path: Path) -> None:
    variable = tmp_path / "variable.json"
    assert resolve_db_path(None, {"COFFEECHAT_DB": str(variable)}) == variable


def test_empty_option_falls_back_to_variable(tmp_path: Path) -> None:
    variable = tmp_path / "variable.json"
    assert resolve_db_path("", {"COFFEECHAT_DB": str(variable)}) == variable


@pytest.mark.parametrize("environ", [{}, {"COFFEECHAT_DB": ""}, {"COFFEECHAT_DB": "   "}])
def test_default_is_the_platform_data_folder(home: Path, environ: dict[str, str]) -> None:
    path = resolve_db_path(None, environ)
    assert path == default_db_path()
    assert path == platformdirs.user_data_path("coffeechat") / "contacts.json"
    assert path.parts[-2:] == ("coffeechat", "contacts.json")
    assert path.is_absolute()
    assert home in path.parents
    assert not path.parent.exists()  # resolving a path creates nothing


def test_tilde_is_expanded_in_option_and_variable(home: Path) -> None:
    assert resolve_db_path("~/db/option.json", {}) == home / "db" / "option.json"
    environ = {"COFFEECHAT_DB": "~/variable.json"}
    assert resolve_db_path(None, environ) == home / "variable.json"
    assert "~" not in str(resolve_db_path(None, environ))


def test_styles_dir_holds_stylesheets() -> None:
    folder = styles_dir()
    assert folder.is_absolute()
    assert folder.is_dir()
    assert sorted(folder.glob("*.tcss"))
    assert stylesheet("app.tcss") == folder / "app.tcss"
    assert stylesheet("app.tcss").is_file()


def test_every_css_path_entry_exists() -> None:
    from coffeechat.ui.app import CoffeechatApp

    css_paths = CoffeechatApp.CSS_PATH
    entries = [css_paths] if isinstance(css_paths, str | Path) else list(css_paths)
    assert entries
    for entry in entries:
        path = Path(entry)
        assert path.is_absolute(), entry
        assert path.suffix == ".tcss", entry
        assert path.is_file(), f"missing stylesheet {entry}"


def test_a_folder_named_tilde_is_not_home(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`./~/db.json` is a folder named "~" here; Path alone drops the "./" and made it home."""
    monkeypatch.chdir(tmp_path)
    assert resolve_db_path("./~/db.json", {}) == tmp_path / "~" / "db.json"
    assert resolve_db_path("./~/db.json", {}).expanduser() == tmp_path / "~" / "db.json"
