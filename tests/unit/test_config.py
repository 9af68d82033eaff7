"""The config file: [keys] overrides by binding id; every bad entry is one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from coffeechat import cli
from coffeechat.config import Config, check_keys, parse_config, read_config
from coffeechat.paths import default_config_path, resolve_config_path

KNOWN = {"advance", "due", "help", "quit"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_gives_its_keys(tmp_path: Path) -> None:
    path = write(tmp_path, '# mine\n[keys]\nadvance = "A"\ndue = "ctrl+d"\nhelp = "f1, ?"\n')
    config = read_config(path)
    assert config.problems == ()
    keymap, problems = check_keys(config, KNOWN)
    assert keymap == {"advance": "A", "due": "ctrl+d", "help": "f1,?"}
    assert problems == []


def test_a_missing_file_is_no_problem(tmp_path: Path) -> None:
    config = read_config(tmp_path / "nowhere.toml")
    assert config.keys == {}
    assert config.problems == ()


def test_a_missing_file_asked_for_by_name_is_said(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    config = read_config(missing, required=True)
    assert config.problems == (f"{missing} does not exist, so no keys were changed.",)


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\nadvance = "A"\ndue ctrl+d\n')
    config = read_config(path)
    assert config.keys == {}
    (problem,) = config.problems
    assert problem.startswith(f"{path}, line 3, column 5: expected '=' after a key")
    assert problem.endswith("so no keys were changed.")


def test_an_unclosed_quote_points_at_the_last_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\nadvance = "A')  # no newline: tomllib says "end of document"
    (problem,) = read_config(path).problems
    assert (
        problem
        == f"{path}, line 2: unterminated string at the end of the file, so no keys were changed."
    )


def test_an_unknown_binding_id_is_one_sentence_and_the_rest_still_apply(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\nadvanc = "A"\ndue = "ctrl+d"\n')
    keymap, problems = check_keys(read_config(path), KNOWN)
    assert keymap == {"due": "ctrl+d"}
    assert problems == [
        f'{path}, line 2: coffeechat has no key called "advanc" '
        '(did you mean "advance"?), so it was ignored.'
    ]


def test_a_value_that_is_not_text_is_said_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\nadvance = 3\ndue = "ctrl+d"\n')
    config = read_config(path)
    assert config.keys == {"due": "ctrl+d"}
    assert config.problems == (
        f'{path}, line 2: the key for "advance" must be text in quotes, '
        'like advance = "A", so it was ignored.',
    )


@pytest.mark.parametrize("value", ['""', '"  "', '"a,"'])
def test_an_empty_key_is_said(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"[keys]\nadvance = {value}\n")
    config = read_config(path)
    assert config.keys == {}
    assert config.problems == (f'{path}, line 2: "advance" is given no key, so it was ignored.',)


def test_a_key_with_a_space_is_not_a_key_name(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\ndue = "ctrl d"\n')
    (problem,) = read_config(path).problems
    assert problem.startswith(f'{path}, line 2: "ctrl d" is not a key name')


def test_keys_that_is_not_a_table_and_unknown_tables_are_said(tmp_path: Path) -> None:
    path = write(tmp_path, 'keys = "A"\n[colours]\nx = 1\n')
    config = read_config(path)
    assert config.keys == {}
    assert config.problems == (
        f'{path}, line 1: keys must be a table, [keys] followed by lines like advance = "A", '
        "so no keys were changed.",
        f'{path}, line 2: coffeechat has no setting called "colours" '
        "(the file holds a [keys] table), so it was ignored.",
    )


def test_every_problem_comes_in_the_order_of_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[keys]\nadvanc = "A"\ndue = 1\n')
    _, problems = check_keys(read_config(path), KNOWN)
    assert [p.split(":")[0] for p in problems] == [f"{path}, line 2", f"{path}, line 3"]


def test_a_dotted_key_finds_its_line() -> None:
    config = parse_config(Path("c.toml"), "# keys\n\nkeys.advance = 5\n")
    assert config.problems[0].startswith("c.toml, line 3:")


def test_a_file_that_is_not_utf8_is_said(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[keys]\nadvance = "\xff"\n')
    assert read_config(path).problems == (f"{path} is not UTF-8 text, so no keys were changed.",)


def test_the_config_path_option_wins_then_the_variable_then_the_default(tmp_path: Path) -> None:
    option, variable = tmp_path / "option.toml", tmp_path / "variable.toml"
    environ = {"COFFEECHAT_CONFIG": str(variable)}
    assert resolve_config_path(str(option), environ) == (option, True)
    assert resolve_config_path(None, environ) == (variable, True)
    assert resolve_config_path(None, {}) == (default_config_path(), False)
    assert default_config_path().name == "config.toml"
    assert default_config_path().parent.name == "coffeechat"


def test_the_cli_takes_config(tmp_path: Path) -> None:
    args = cli.build_parser().parse_args(["--config", str(tmp_path / "c.toml")])
    assert args.config == str(tmp_path / "c.toml")


def test_the_board_is_started_with_the_chosen_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Config] = []

    def launch(repository: object, clock: object, config: Config) -> int:
        started.append(config)
        return 0

    monkeypatch.setattr(cli, "_launch", launch)
    chosen = write(tmp_path, '[keys]\ndue = "ctrl+d"\n')
    db = str(tmp_path / "c.json")
    assert cli.main(["--db", db, "--config", str(chosen)], {}) == 0
    gone = tmp_path / "gone.toml"
    assert cli.main(["--db", db], {"COFFEECHAT_CONFIG": str(gone)}) == 0
    first, second = started
    assert first.keys == {"due": "ctrl+d"}
    assert second.problems == (f"{gone} does not exist, so no keys were changed.",)
