"""Where coffeechat keeps its data, and where its stylesheets are."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "coffeechat"
DB_VARIABLE = "COFFEECHAT_DB"
DB_FILENAME = "contacts.json"
CONFIG_VARIABLE = "COFFEECHAT_CONFIG"
CONFIG_FILENAME = "config.toml"


def default_db_path() -> Path:
    """The platform's user data folder, e.g. ~/.local/share/coffeechat/contacts.json."""
    return platformdirs.user_data_path(APP_NAME) / DB_FILENAME


def resolve_db_path(option: str | None, environ: Mapping[str, str]) -> Path:
    """``--db`` wins, then COFFEECHAT_DB, then the platform default."""
    chosen = option or environ.get(DB_VARIABLE, "").strip()
    # Absolute, so nothing later reads a folder named "~" as home (see user_path).
    return Path(os.path.abspath(user_path(chosen))) if chosen else default_db_path()


def default_config_path() -> Path:
    """The platform's user config folder, e.g. ~/.config/coffeechat/config.toml."""
    return platformdirs.user_config_path(APP_NAME) / CONFIG_FILENAME


def resolve_config_path(option: str | None, environ: Mapping[str, str]) -> tuple[Path, bool]:
    """``--config`` wins, then COFFEECHAT_CONFIG, then the platform default.

    Also whether the path was chosen (an option or the variable): a chosen
    file that is missing is worth a word, the default one is not.
    """
    chosen = option or environ.get(CONFIG_VARIABLE, "").strip()
    if chosen:
        return Path(os.path.abspath(user_path(chosen))), True
    return default_config_path(), False


def templates_dir() -> Path:
    """Where a user's own message templates live, e.g. ~/.config/coffeechat/templates."""
    return platformdirs.user_config_path(APP_NAME) / "templates"


def crash_folder() -> Path:
    """Where crash reports go, e.g. ~/.local/state/coffeechat/crashes."""
    return platformdirs.user_state_path(APP_NAME) / "crashes"


def user_path(text: str) -> Path:
    """A path as the user typed it: a leading "~" is home, nothing else is expanded.

    ``Path`` alone would also read "./~/x" as "~/x", which an expanduser()
    later takes for home.
    """
    return Path(os.path.expanduser(text))


def styles_dir() -> Path:
    """The folder of .tcss files: inside the installed package, else the repo's top level.

    The wheel carries ``styles/`` as ``coffeechat/styles`` (hatch force-include);
    an editable install or a source checkout uses the repo's own ``styles/``.
    """
    packaged = Path(__file__).resolve().parent / "styles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "styles"


def stylesheet(name: str) -> Path:
    """The absolute path of one stylesheet (Textual resolves relative ones oddly)."""
    return styles_dir() / name
