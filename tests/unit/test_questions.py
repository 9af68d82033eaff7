"""The question bank: built-ins, reading and typing questions, agenda checks, merging, filtering."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pytest

from coffeechat.domain.meetings import AgendaItem
from coffeechat.domain.model import ValidationError
from coffeechat.domain.questions import (
    BUILTIN_QUESTIONS,
    MAX_AGENDA,
    MAX_QUESTION_LENGTH,
    MAX_TAG_LENGTH,
    MIN_AGENDA,
    Category,
    Question,
    agenda_warnings,
    clean_question,
    filter_questions,
    is_referral,
    is_yes_no,
    merge_bank,
    open_questions_left,
    parse_tags,
)


@dataclass(frozen=True)
class Snap:
    """A bare agenda entry: what meetings store, with a plain-string category."""

    text: str
    category: str = "industry"
    asked: bool = False


OPEN = "What does a normal day look like?"
YES_NO = "Is the pay good?"
REFERRAL = "Who else should I talk to?"
NO_REFERRAL = "No referral question: add one like “Who else should I talk to?”"
NO_OPEN = "No open questions: every question can be answered yes or no."
NO_OPEN_YET = "No open questions yet: pick some that start with what, how or why."


def make_agenda(open_: int, yes_no: int = 0, *, referral: bool = True) -> list[Snap]:
    """``open_`` open questions (the first a referral one, if asked for), then yes/no ones."""
    items = [Snap(f"{OPEN} ({n})") for n in range(open_)]
    if referral and items:
        items[0] = Snap(REFERRAL)
    return items + [Snap(f"{YES_NO} ({n})") for n in range(yes_no)]


# -- the built-in questions ---------------------------------------------------------------


def test_there_are_at_least_42_builtins() -> None:
    assert len(BUILTIN_QUESTIONS) >= 42


def test_builtin_ids_are_unique() -> None:
    duplicates = [i for i, n in Counter(q.id for q in BUILTIN_QUESTIONS).items() if n > 1]
    assert duplicates == []


def test_builtin_ids_name_their_category_and_count_up_from_01() -> None:
    numbers: dict[Category, list[int]] = {}
    for question in BUILTIN_QUESTIONS:
        match = re.fullmatch(rf"builtin-{question.category.slug}-(\d\d)", question.id)
        assert match, question.id
        numbers.setdefault(question.category, []).append(int(match.group(1)))
    # Appending is the only way to grow a category: no gaps, no reordering.
    for category, seen in numbers.items():
        assert seen == list(range(1, len(seen) + 1)), category


@pytest.mark.parametrize(
    ("question_id", "words"),
    [
        ("builtin-career-path-01", "end up in this line of work"),
        ("builtin-day-to-day-01", "normal week"),
        ("builtin-skills-and-education-01", "skills matter most"),
        ("builtin-advice-for-me-01", "starting out in this field today"),
        ("builtin-hiring-01", "stand out"),
        ("builtin-network-01", "Who else"),
    ],
)
def test_builtin_ids_keep_their_questions(question_id: str, words: str) -> None:
    # Meetings store these ids: an id must never start meaning another question.
    by_id = {q.id: q for q in BUILTIN_QUESTIONS}
    assert words in by_id[question_id].text


@pytest.mark.parametrize("category", list(Category))
def test_every_category_has_at_least_five_builtins(category: Category) -> None:
    assert sum(q.category is category for q in BUILTIN_QUESTIONS) >= 5


@pytest.mark.parametrize("question", BUILTIN_QUESTIONS, ids=lambda q: q.id)
def test_every_builtin_is_an_open_question(question: Question) -> None:
    assert not is_yes_no(question.text)


@pytest.mark.parametrize("question", BUILTIN_QUESTIONS, ids=lambda q: q.id)
def test_every_builtin_is_clean_flagged_and_visible(question: Question) -> None:
    assert clean_question(question.text, question.category, " ".join(question.tags)) == (
        question.text,
        question.category,
        question.tags,
    )
    assert question.text.endswith("?")
    assert question.builtin
    assert not question.hidden


def test_network_builtins_ask_for_names_in_their_own_words() -> None:
    network = [q for q in BUILTIN_QUESTIONS if q.category is Category.NETWORK]
    assert all(is_referral(q) for q in network)
    # Even copied into an agenda under another category, the words alone say "referral".
    assert [q.id for q in network if not is_referral(Snap(q.text, "industry"))] == []


def test_no_other_builtin_passes_for_a_referral_question() -> None:
    # One would silence the "no referral question" warning without asking for a name.
    others = [q for q in BUILTIN_QUESTIONS if q.category is not Category.NETWORK]
    assert [q.id for q in others if is_referral(q)] == []


@pytest.mark.parametrize(
    "pattern",
    [
        r"stand out|impress",  # what impresses them
        r"turns? you off|turn-?offs?",  # what puts them off
        r"questions .*(ready to answer|be asked)",  # what I will be asked
    ],
)
def test_hiring_builtins_cover_what_interviewers_care_about(pattern: str) -> None:
    hiring = [q.text for q in BUILTIN_QUESTIONS if q.category is Category.HIRING]
    assert any(re.search(pattern, text, re.IGNORECASE) for text in hiring)


def test_category_values_are_what_is_stored() -> None:
    assert [c.value for c in Category] == [
        "career path",
        "day to day",
        "skills and education",
        "industry",
        "advice for me",
        "hiring",
        "network",
    ]
    assert Category.SKILLS.slug == "skills-and-education"
    assert (MIN_AGENDA, MAX_AGENDA) == (10, 20)


# -- is_yes_no ----------------------------------------------------------------------------

_OPENERS = "do does did is are was were can could will would should have has had may am shall"


@pytest.mark.parametrize("word", _OPENERS.split())
def test_every_yes_no_opener_is_caught_in_any_case(word: str) -> None:
    assert is_yes_no(f"{word} you x?")
    assert is_yes_no(f"{word.capitalize()} you x?")
    assert is_yes_no(f"{word.upper()} you x?")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Do you like your job?", True),
        ("Does", True),
        ("   \t Did you plan it?", True),
        ('"Is it hard?"', True),
        ("“Are you hiring?”", True),
        ("'Could I ask something?'", True),
        ("1. Do you travel much?", True),  # a pasted numbered list
        # Negative contractions are still answered yes or no.
        ("Can't you work remotely?", True),
        ("Don’t you miss coding?", True),
        ("Won't that change soon?", True),
        ("Isn't the pay low?", True),
        ("Cannot people switch later?", True),
        # Open questions, and words that merely start like an opener.
        ("What do you do all day?", False),
        ("How did you start?", False),
        ("Doing what, mostly?", False),
        ("Candidates: what makes them stand out?", False),
        ("Dozens of tools: which matter?", False),
        ("Do-it-yourself projects: which count?", False),
        ("Willing or not, who decides?", False),
        ("Who else should I talk to?", False),
        ("", False),
        ("   ", False),
        ('"" ?', False),
    ],
)
def test_is_yes_no(text: str, expected: bool) -> None:
    assert is_yes_no(text) is expected


# -- is_referral --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("Who else should I talk to?", "industry", True),
        ("WHO  ELSE works on this?", "hiring", True),
        ("Whom else could I ask?", "industry", True),
        ("Is there anyone else I should meet?", "industry", True),
        ("Would anybody else help?", "industry", True),
        ("Could someone else on your team explain it?", "industry", True),
        ("Could you introduce me to your manager?", "advice for me", True),
        ("Would an introduction be possible?", "industry", True),
        ("Would you refer me to a recruiter?", "hiring", True),
        ("Are there other people you'd recommend speaking with?", "industry", True),
        ("Who would you recommend that I talk to?", "industry", True),
        ("Which teams would you recommend I speak with?", "industry", True),
        ("Could you put me in touch with her?", "industry", True),
        ("How did you get started?", "network", True),  # the category alone is enough
        ("How did you get started?", Category.NETWORK, True),
        ("How did you get started?", "career path", False),
        ("What else should I know?", "advice for me", False),
        ("What do you prefer about remote work?", "day to day", False),
        ("Which references matter most?", "hiring", False),
        ("What would you recommend I read?", "skills and education", False),
        ("Someone like me: where would I fit?", "advice for me", False),
        ("", "industry", False),
    ],
)
def test_is_referral(text: str, category: str, expected: bool) -> None:
    assert is_referral(Snap(text, category)) is expected


def test_is_referral_accepts_questions() -> None:
    assert is_referral(Question("q", "What next?", Category.NETWORK))
    assert not is_referral(Question("q", "What next?", Category.INDUSTRY))


# -- parse_tags ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Remote, #startup  design", ("remote", "startup", "design")),
        ("", ()),
        (" , ,, # ##", ()),
        ("a a A #a", ("a",)),
        ("b,a,b", ("b", "a")),
        ("tab\tnew\nline", ("tab", "new", "line")),
        ("##deep", ("deep",)),
        ("c#", ("c#",)),  # only a leading '#' is dropped
        ("Remote-First", ("remote-first",)),
        ("bell\x07tag", ("belltag",)),  # control characters never reach the screen
    ],
)
def test_parse_tags(text: str, expected: tuple[str, ...]) -> None:
    assert parse_tags(text) == expected


# -- clean_question -----------------------------------------------------------------------


def test_clean_question_collapses_whitespace_into_one_line() -> None:
    assert clean_question("  What   do you\n do?\t", "day to day", "#Remote, b") == (
        "What do you do?",
        Category.DAY_TO_DAY,
        ("remote", "b"),
    )


def test_clean_question_drops_control_characters() -> None:
    text, _, _ = clean_question("What\x1b[31m is it?", "industry", "")
    assert text == "What[31m is it?"


@pytest.mark.parametrize(
    "typed", ["day to day", "Day To Day", " day   to  day ", "DAY_TO_DAY", "day-to-day"]
)
def test_clean_question_reads_a_category_by_value_or_name(typed: str) -> None:
    _, category, _ = clean_question("What now?", typed, "")
    assert category is Category.DAY_TO_DAY


def test_clean_question_returns_the_category_member() -> None:
    assert clean_question("What now?", "skills", "")[1] is Category.SKILLS
    assert clean_question("What now?", Category.NETWORK, "")[1] is Category.NETWORK


def test_clean_question_keeps_yes_no_questions() -> None:
    # A yes/no question is a warning on the agenda, not an error in the bank.
    assert clean_question("Do you like it?", "industry", "")[0] == "Do you like it?"


def test_clean_question_accepts_the_longest_question() -> None:
    text = "W" * (MAX_QUESTION_LENGTH - 1) + "?"
    assert clean_question(text, "industry", "")[0] == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "write the question"),
        (" \n\t ", "write the question"),
        ("\x07\x1b", "write the question"),
        ("W" * MAX_QUESTION_LENGTH + "?", f"{MAX_QUESTION_LENGTH} characters"),
        ("bad \udcff bytes", "not valid UTF-8"),
    ],
)
def test_clean_question_rejects_bad_text(text: str, expected: str) -> None:
    with pytest.raises(ValidationError) as raised:
        clean_question(text, "industry", "")
    assert set(raised.value.errors) == {"text"}
    assert expected in raised.value.errors["text"]


def test_too_long_text_says_how_long_it_is() -> None:
    with pytest.raises(ValidationError) as raised:
        clean_question("W" * 350, "industry", "")
    assert "350" in raised.value.errors["text"]


@pytest.mark.parametrize("typed", ["gossip", "", "career", "network!"])
def test_clean_question_rejects_an_unknown_category_listing_the_known_ones(typed: str) -> None:
    with pytest.raises(ValidationError) as raised:
        clean_question("What now?", typed, "")
    assert set(raised.value.errors) == {"category"}
    message = raised.value.errors["category"]
    assert all(category.value in message for category in Category)
    if typed:
        assert repr(typed) in message


def test_clean_question_rejects_an_overlong_tag() -> None:
    with pytest.raises(ValidationError) as raised:
        clean_question("What now?", "industry", "ok " + "t" * (MAX_TAG_LENGTH + 1))
    assert set(raised.value.errors) == {"tags"}
    assert clean_question("What now?", "industry", "t" * MAX_TAG_LENGTH)[2] == (
        "t" * MAX_TAG_LENGTH,
    )


def test_clean_question_reports_every_bad_field_at_once() -> None:
    with pytest.raises(ValidationError) as raised:
        clean_question("   ", "gossip", "x" * 40)
    assert set(raised.value.errors) == {"text", "category", "tags"}
    assert "write the question" in str(raised.value)


# -- agenda_warnings ----------------------------------------------------------------------


def test_a_good_agenda_has_no_warnings() -> None:
    assert agenda_warnings(make_agenda(MIN_AGENDA)) == []


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, ["Only 1 question: aim for 10–20."]),
        (7, ["Only 7 questions: aim for 10–20."]),
        (9, ["Only 9 questions: aim for 10–20."]),
        (10, []),
        (15, []),
        (20, []),
        (21, ["21 questions won't fit in a short meeting: aim for 10–20."]),
        (23, ["23 questions won't fit in a short meeting: aim for 10–20."]),
    ],
)
def test_agenda_length_is_checked_at_its_boundaries(count: int, expected: list[str]) -> None:
    assert agenda_warnings(make_agenda(count)) == expected


def test_an_empty_agenda_gets_every_list_level_warning() -> None:
    assert agenda_warnings([]) == ["No questions yet: aim for 10–20.", NO_REFERRAL, NO_OPEN_YET]


def test_a_missing_referral_question_is_named() -> None:
    assert agenda_warnings(make_agenda(12, referral=False)) == [NO_REFERRAL]


def test_a_network_category_alone_counts_as_a_referral_question() -> None:
    agenda = [*make_agenda(11, referral=False), Snap("What is next for you?", "network")]
    assert agenda_warnings(agenda) == []


def test_builtin_questions_can_be_checked_directly() -> None:
    no_network = [q for q in BUILTIN_QUESTIONS if q.category is not Category.NETWORK]
    assert agenda_warnings(no_network[:MIN_AGENDA]) == [NO_REFERRAL]


def test_meeting_snapshots_can_be_checked_directly() -> None:
    agenda = [AgendaItem(f"q{n}", f"{OPEN} {n}", "industry") for n in range(MIN_AGENDA)]
    agenda.append(AgendaItem("r", REFERRAL, "network"))
    assert agenda_warnings(agenda) == []


def test_each_yes_no_question_is_named_with_a_hint() -> None:
    agenda = [*make_agenda(10), Snap("Do you like your job?"), Snap(YES_NO)]
    assert agenda_warnings(agenda) == [
        "Yes/no question: “Do you like your job?” — try “What do you like about your job?”",
        "Yes/no question: “Is the pay good?” — try starting with what, how or why",
    ]


def test_a_yes_no_referral_question_still_counts_as_referral() -> None:
    question = "Are there other people you'd recommend speaking with?"
    agenda = [*make_agenda(10, referral=False), Snap(question)]
    assert agenda_warnings(agenda) == [
        f"Yes/no question: “{question}” — try “Who else should I talk to?”"
    ]


def test_a_yes_no_question_is_shown_on_one_clean_line() -> None:
    agenda = [*make_agenda(10), Snap("Did\x1b[2J you\n  enjoy   it?")]
    assert agenda_warnings(agenda) == [
        "Yes/no question: “Did[2J you enjoy it?” — try starting with what, how or why"
    ]


def test_an_all_yes_no_agenda_says_so_then_names_each_question() -> None:
    agenda = make_agenda(0, yes_no=3)
    warnings = agenda_warnings(agenda)
    assert warnings[:3] == ["Only 3 questions: aim for 10–20.", NO_REFERRAL, NO_OPEN]
    assert len(warnings) == 6
    assert all(w.startswith("Yes/no question: “Is the pay good? (") for w in warnings[3:])


def test_one_open_question_is_enough_to_avoid_the_no_open_warning() -> None:
    warnings = agenda_warnings(make_agenda(1, yes_no=MIN_AGENDA))
    assert NO_OPEN not in warnings
    assert len(warnings) == MIN_AGENDA  # one per yes/no question, nothing else


def test_warnings_come_in_order_count_referral_open_yes_no() -> None:
    agenda = make_agenda(0, yes_no=MAX_AGENDA + 1)
    warnings = agenda_warnings(agenda)
    assert warnings[0] == f"{MAX_AGENDA + 1} questions won't fit in a short meeting: aim for 10–20."
    assert warnings[1:3] == [NO_REFERRAL, NO_OPEN]
    assert len(warnings) == 3 + MAX_AGENDA + 1


# -- open_questions_left ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agenda", "expected"),
    [
        ([], 0),
        ([Snap(OPEN), Snap(REFERRAL)], 2),
        ([Snap(OPEN, asked=True), Snap(REFERRAL)], 1),
        ([Snap(OPEN, asked=True), Snap(REFERRAL, asked=True)], 0),
        ([Snap(YES_NO), Snap(YES_NO, asked=True)], 0),
        ([Snap(YES_NO), Snap(OPEN), Snap(OPEN, asked=True)], 1),
    ],
)
def test_open_questions_left(agenda: list[Snap], expected: int) -> None:
    assert open_questions_left(agenda) == expected


def test_open_questions_left_reads_meeting_snapshots() -> None:
    agenda = [
        AgendaItem("a", OPEN, "industry", asked=True),
        AgendaItem("b", REFERRAL, "network"),
        AgendaItem("c", YES_NO, "industry"),
    ]
    assert open_questions_left(agenda) == 1


# -- merge_bank ---------------------------------------------------------------------------

FIRST = BUILTIN_QUESTIONS[0]
LAST = BUILTIN_QUESTIONS[-1]


def test_an_empty_store_gives_the_builtins_in_order() -> None:
    assert merge_bank([]) == list(BUILTIN_QUESTIONS)


def test_a_stored_builtin_changes_only_its_tags_and_hiding() -> None:
    stored = Question(FIRST.id, "New words?", Category.HIRING, ("mine",), hidden=True)
    merged = merge_bank([stored])
    assert merged[0] == Question(
        FIRST.id, FIRST.text, FIRST.category, ("mine",), builtin=True, hidden=True
    )
    assert merged[1:] == list(BUILTIN_QUESTIONS[1:])


def test_a_builtin_can_be_brought_back_and_untagged() -> None:
    stored = Question(FIRST.id, FIRST.text, FIRST.category, (), builtin=True, hidden=False)
    assert merge_bank([stored])[0] == Question(FIRST.id, FIRST.text, FIRST.category, (), True)


def test_builtins_keep_their_order_whatever_the_stored_order() -> None:
    stored = [
        Question(LAST.id, LAST.text, LAST.category, hidden=True),
        Question(FIRST.id, FIRST.text, FIRST.category, hidden=True),
    ]
    merged = merge_bank(stored)
    assert [q.id for q in merged] == [q.id for q in BUILTIN_QUESTIONS]
    assert merged[0].hidden
    assert merged[-1].hidden
    assert not any(q.hidden for q in merged[1:-1])


def test_the_last_stored_copy_of_a_builtin_wins() -> None:
    stored = [
        Question(FIRST.id, FIRST.text, FIRST.category, ("old",)),
        Question(FIRST.id, FIRST.text, FIRST.category, ("new",)),
    ]
    assert merge_bank(stored)[0].tags == ("new",)


def test_own_questions_follow_the_builtins_in_the_given_order() -> None:
    own = [
        Question("u2", "Why this city?", Category.INDUSTRY),
        Question("u1", "How do you pick projects?", Category.DAY_TO_DAY, ("x",), hidden=True),
        Question("builtin-network-99", "From a newer version?", Category.NETWORK),
    ]
    stored = [own[0], Question(FIRST.id, FIRST.text, FIRST.category, hidden=True), *own[1:]]
    merged = merge_bank(stored)
    assert len(merged) == len(BUILTIN_QUESTIONS) + 3
    assert merged[len(BUILTIN_QUESTIONS) :] == own


def test_own_questions_are_never_marked_builtin() -> None:
    mislabelled = Question("u1", "Why now?", Category.INDUSTRY, builtin=True)
    assert merge_bank([mislabelled])[-1] == Question("u1", "Why now?", Category.INDUSTRY)


# -- filter_questions ---------------------------------------------------------------------

DAY = Question("day", "What does a typical day look like?", Category.DAY_TO_DAY, ("remote",))
START = Question("start", "How did you get started?", Category.CAREER_PATH, ("opener",))
ELSE = Question("else", "Who else should I talk to?", Category.NETWORK, ("must-ask", "remote"))
PAY = Question("pay", "What is the salary range?", Category.HIRING, ("money",), hidden=True)
BANK = [DAY, START, ELSE, PAY]


@pytest.mark.parametrize(
    ("text", "category", "include_hidden", "expected"),
    [
        ("", None, False, [DAY, START, ELSE]),
        ("", None, True, [DAY, START, ELSE, PAY]),
        ("   ", None, False, [DAY, START, ELSE]),
        ("TYPICAL", None, False, [DAY]),
        ("typical day", None, False, [DAY]),
        ("typical started", None, False, []),  # every word must match the same question
        ("ART", None, False, [START]),  # part of a word is enough
        ("look remote", None, False, [DAY]),  # one word in the text, one in a tag
        ("remote", None, False, [DAY, ELSE]),
        ("#remote", None, False, [DAY, ELSE]),
        ("#REM", None, False, [DAY, ELSE]),  # tags match by their start, for typing
        ("#emote", None, False, []),
        ("#typical", None, False, []),  # a #word looks at tags and the category only
        ("#network", None, False, [ELSE]),  # the category, as in /#network
        ("#NET", None, False, [ELSE]),
        ("#career", None, False, [START]),
        ("#career-path", None, False, [START]),  # the category as a built-in id spells it
        ("#day #remote", None, False, [DAY]),
        ("#xyz", None, False, []),
        ("#remote talk", None, False, [ELSE]),
        ("#remote #must", None, False, [ELSE]),
        ("#", None, False, [DAY, START, ELSE]),  # a lone '#' is a tag still being typed
        ("network", None, False, [ELSE]),  # the category's words count
        ("career path", None, False, [START]),
        ("", Category.NETWORK, False, [ELSE]),
        ("remote", Category.DAY_TO_DAY, False, [DAY]),
        ("salary", None, False, []),
        ("salary", None, True, [PAY]),
        ("#money", Category.HIRING, True, [PAY]),
        ("", Category.HIRING, False, []),
    ],
)
def test_filter_questions(
    text: str, category: Category | None, include_hidden: bool, expected: list[Question]
) -> None:
    assert filter_questions(BANK, text, category, include_hidden) == expected


def test_filter_keeps_the_given_order() -> None:
    assert filter_questions(reversed(BANK), "remote") == [ELSE, DAY]


def test_filter_finds_builtins_by_tag() -> None:
    found = filter_questions(merge_bank([]), "#must-ask")
    assert found
    assert all(q.category is Category.NETWORK for q in found)
