"""The question bank and the checks that make a meeting's list of questions a good one.

A good informational interview runs on 10–20 prepared questions that invite a
story rather than a yes or a no, and it always asks for the next name.  The
bank ships with built-in questions (written for this app) that a person can
tag or hide but never lose, next to questions of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from coffeechat.domain.fields import ValidationError
from coffeechat.domain.text import one_line, printable

MIN_AGENDA = 10
MAX_AGENDA = 20
MAX_QUESTION_LENGTH = 300  # one breath; a question longer than this is a speech
MAX_TAG_LENGTH = 30


class Category(StrEnum):
    """What a question is about; the value is what is stored and shown."""

    CAREER_PATH = "career path"
    DAY_TO_DAY = "day to day"
    SKILLS = "skills and education"
    INDUSTRY = "industry"
    ADVICE = "advice for me"
    HIRING = "hiring"
    NETWORK = "network"

    @property
    def slug(self) -> str:
        """The value as it appears in a built-in id: ``"career-path"``."""
        return self.value.replace(" ", "-")


@dataclass(frozen=True, slots=True)
class Question:
    """One question in the bank.

    Built-ins keep their words forever and can only be tagged or hidden; the
    user's own questions are "retired" by hiding them, so a meeting that used
    one still finds it.
    """

    id: str  # built-ins: "builtin-<category slug>-NN", stable forever (meetings refer to them)
    text: str
    category: Category
    tags: tuple[str, ...] = ()
    builtin: bool = False
    hidden: bool = False


class AgendaQuestion(Protocol):
    """Anything with a question's text and category: a Question, or a meeting's snapshot of one.

    Read-only properties rather than plain attributes, so frozen dataclasses
    (whose fields can't be assigned) satisfy it under mypy.
    """

    @property
    def text(self) -> str:
        """The question as asked."""
        ...

    @property
    def category(self) -> str:
        """A Category value (a Category is a str)."""
        ...


class TrackedQuestion(AgendaQuestion, Protocol):
    """An agenda question that knows whether it was asked in the meeting."""

    @property
    def asked(self) -> bool:
        """True once ticked off during the meeting."""
        ...


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags as typed: ``"Remote, #startup  design"`` -> ``("remote", "startup", "design")``.

    Split on commas and whitespace, leading '#' dropped (a trailing one stays,
    for "c#"), lowercased, duplicates and empties dropped, order kept.
    """
    words = (word.lstrip("#").lower() for word in printable(text).replace(",", " ").split())
    return tuple(dict.fromkeys(word for word in words if word))


def _bank(category: Category, *entries: tuple[int, str]) -> list[Question]:
    """Built-ins of one category, from ``(number, "text  #tag #tag")`` pairs.

    The number is part of the id and written out, so reordering entries is
    harmless; tags are typed the way a person types them in the filter.
    """
    questions = []
    for number, entry in entries:
        text, _, tags = entry.partition(" #")
        question_id = f"builtin-{category.slug}-{number:02d}"
        questions.append(Question(question_id, text.strip(), category, parse_tags(tags), True))
    return questions


# Never renumber or delete an entry: meetings store these ids.  To retire a
# built-in, ship it hidden; to add one, give it the next number.
BUILTIN_QUESTIONS: tuple[Question, ...] = (
    *_bank(
        Category.CAREER_PATH,
        (1, "How did you end up in this line of work?  #opener"),
        (2, "What did the first few years of your career look like?"),
        (3, "Which decisions or turning points shaped where you are today?"),
        (4, "Looking back, what would you do differently on the way here?"),
        (5, "Where do people in your role usually go next?"),
        (6, "What drew you to this company, and what keeps you here?  #culture"),
        (7, "Where do you hope your own career goes over the next five years?"),
    ),
    *_bank(
        Category.DAY_TO_DAY,
        (1, "What does a normal week look like for you, from Monday to Friday?  #opener"),
        (2, "Which parts of the job give you the most energy?"),
        (3, "Which parts of the work wear you down, or would you hand off if you could?"),
        (4, "Who do you work with most closely, and how do decisions get made?  #culture"),
        (5, "What is the hardest problem you have had to solve in this role?"),
        (6, "How is your time split between meetings, focused work and travel?  #remote"),
        (7, "What surprised you most when you started this job?"),
        (8, "How would you describe the culture here, work-life balance included?  #culture"),
    ),
    *_bank(
        Category.SKILLS,
        (1, "Which skills matter most for doing this job well?"),
        (2, "What education or training would you suggest for getting into this field?"),
        (3, "Which experiences taught you the most, on the job or off it?"),
        (4, "What skills do newcomers usually lack, and how could they build them?"),
        (5, "How much do degrees and certificates count next to hands-on experience?"),
        (6, "Which books, newsletters, podcasts or blogs keep you current?  #reading"),
        (7, "Which associations, communities or events are worth joining in this field?"),
    ),
    *_bank(
        Category.INDUSTRY,
        (1, "Where do you see this industry heading over the next few years?"),
        (2, "What changes or new tools are reshaping the work right now?"),
        (3, "What opportunities do you see that people outside the field tend to miss?"),
        (4, "What are the biggest challenges facing companies in this space?"),
        (5, "How does working here compare with other companies in the field?  #culture"),
        (6, "Which terms or jargon should I learn to follow conversations in this field?"),
        (7, "How does the work differ between small companies and large ones?  #startup"),
    ),
    *_bank(
        Category.ADVICE,
        (1, "If you were starting out in this field today, what would you do first?"),
        (2, "Given my background, where do you think I would fit best?"),
        (3, "What gaps do you see in my experience, and how might I close them?"),
        (4, "What would you tell someone moving here from another field?  #career-change"),
        (5, "What mistakes do you see newcomers make that I should avoid?"),
        (6, "What should I be asking about that I haven't asked yet?  #closing"),
        (7, "What else should I know about this field that we haven't touched on?  #closing"),
    ),
    *_bank(
        Category.HIRING,
        (1, "When you interview candidates, what makes someone stand out?  #interviews"),
        (2, "What turns you off about a candidate, on paper or in the room?  #interviews"),
        (3, "Which questions should I be ready to answer in an interview here?  #interviews"),
        (4, "How do most people land jobs here: job ads, word of mouth, or another route?"),
        (5, "What does the hiring process look like, from first contact to offer?"),
        (6, "What would make an application from someone like me hard to ignore?"),
        (7, "What do you expect from someone applying for an entry-level role?  #entry-level"),
    ),
    *_bank(
        Category.NETWORK,
        (1, "Who else would be good for me to talk to about this field?  #must-ask"),
        (2, "Which people in your network would you recommend I speak with next?  #must-ask"),
        (3, "Whom could you introduce me to, and how should I mention your name?"),
        (4, "Who else in your company might be willing to share their view of this work?"),
        (5, "Which former colleagues of yours would be worth an introduction for me?"),
        (6, "Which teams are growing right now, and who else there should I get to know?"),
        (7, "If anyone else comes to mind later, how would you like to pass their name on?"),
    ),
)
_BUILTIN_IDS = frozenset(question.id for question in BUILTIN_QUESTIONS)


# -- reading questions --------------------------------------------------------------------

_YES_NO_OPENERS = frozenset(
    {"do", "does", "did", "is", "are", "was", "were", "can", "could", "will", "would"}
    | {"should", "have", "has", "had", "may", "am", "shall"}
)
# Contractions whose stem is not the word itself ("won't" is "will not").
_NEGATIVE_STEMS = {"ca": "can", "wo": "will", "sha": "shall"}
# A word: letters, joined by apostrophes or hyphens, so "can't" is one word and
# "do-it-yourself" is not "do".
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def is_yes_no(text: str) -> bool:
    """True when the question's first word invites a yes or a no ("Do you...", "Isn't it...").

    Anything before the first letter is skipped (spaces, quotes, list numbers).
    Negative contractions count as their verb: "Can't you..." and "Don't
    you..." are still answered yes or no.
    """
    match = _WORD.search(text)
    if match is None:
        return False
    word = match.group().casefold().replace("’", "'")
    if word == "cannot":
        word = "can"
    elif word.endswith("n't"):
        stem = word.removesuffix("n't")
        word = _NEGATIVE_STEMS.get(stem, stem)
    return word in _YES_NO_OPENERS


_REFERRAL = re.compile(
    r"\b(?:who|whom|anyone|anybody|someone|somebody)\s+else\b"
    r"|\bintroduc(?:e|es|ed|ing|tion|tions)\b"
    r"|\brefer(?:s|red|ring|ral|rals)?\b"  # not "reference" or "preferred"
    r"|\brecommend(?:s|ed)?\s+(?:that\s+)?(?:I\s+)?(?:talk|speak)(?:s|ing)?\b"
    r"|\bput\s+me\s+in\s+touch\b|\bconnect\s+me\b",
    re.IGNORECASE,
)


def is_referral(question: AgendaQuestion) -> bool:
    """True for a question that asks for the next name: every network one, or one that says so.

    Asking "who else should I talk to?" is how one conversation turns into
    the next, so an agenda without such a question gets a warning.
    """
    return question.category == Category.NETWORK or _asks_for_names(question.text)


def _asks_for_names(text: str) -> bool:
    return _REFERRAL.search(text) is not None


# -- typing questions and tags ------------------------------------------------------------


def _parse_category(text: str) -> Category | None:
    """The category named by a value ("day to day") or a name ("DAY_TO_DAY"), any case."""
    wanted = " ".join(text.replace("_", " ").replace("-", " ").split()).casefold()
    for category in Category:
        if wanted in (category.value, category.name.replace("_", " ").casefold()):
            return category
    return None


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in text)


def clean_question(text: str, category: str, tags: str) -> tuple[str, Category, tuple[str, ...]]:
    """Check a question typed by a person; returns (text, category, tags).

    The text becomes one line with single spaces.  Raises ValidationError
    naming every bad field at once ("text", "category", "tags").
    """
    cleaned = one_line(text)
    parsed_tags = parse_tags(tags)
    errors: dict[str, str] = {}
    if not cleaned:
        errors["text"] = "write the question"
    elif len(cleaned) > MAX_QUESTION_LENGTH:
        errors["text"] = (
            f"keep it to {MAX_QUESTION_LENGTH} characters (this one has {len(cleaned)})"
        )
    elif _has_surrogates(cleaned):
        errors["text"] = "contains bytes that are not valid UTF-8 text"
    parsed_category = _parse_category(printable(category))
    if parsed_category is None:
        known = ", ".join(c.value for c in Category)
        shown = one_line(category)
        errors["category"] = (
            f"{shown!r} is not a category; choose one of: {known}"
            if shown
            else f"choose a category: {known}"
        )
    long_tags = [tag for tag in parsed_tags if len(tag) > MAX_TAG_LENGTH]
    if long_tags:
        errors["tags"] = (
            f"keep each tag to {MAX_TAG_LENGTH} characters ({long_tags[0]!r} is longer)"
        )
    elif any(_has_surrogates(tag) for tag in parsed_tags):
        errors["tags"] = "contains bytes that are not valid UTF-8 text"
    if errors or parsed_category is None:
        raise ValidationError(errors)
    return cleaned, parsed_category, parsed_tags


# -- checking a meeting's list ------------------------------------------------------------

_LIKE_QUESTION = re.compile(
    r"^(do|did)\s+you\s+(like|enjoy|love|dislike|hate)\s+(.+?)[\s?.!]*$", re.IGNORECASE
)


def _rephrase(text: str) -> str:
    """A gentle hint for turning a yes/no question into an open one."""
    if _asks_for_names(text):
        return "try “Who else should I talk to?”"
    like = _LIKE_QUESTION.match(text)
    if like:
        verb, feeling, thing = like.groups()
        return f"try “What {verb.lower()} you {feeling.lower()} about {thing}?”"
    return "try starting with what, how or why"


def agenda_warnings(agenda: Sequence[AgendaQuestion]) -> list[str]:
    """What could make this list of questions better, as sentences; [] for a good list.

    In order: the count, a missing referral question, no open questions at
    all, then each yes/no question with a hint.
    """
    warnings: list[str] = []
    count = len(agenda)
    aim = f"aim for {MIN_AGENDA}–{MAX_AGENDA}."
    if count == 0:
        warnings.append(f"No questions yet: {aim}")
    elif count < MIN_AGENDA:
        warnings.append(f"Only {count} question{'s' if count != 1 else ''}: {aim}")
    elif count > MAX_AGENDA:
        warnings.append(f"{count} questions won't fit in a short meeting: {aim}")
    if not any(is_referral(question) for question in agenda):
        warnings.append("No referral question: add one like “Who else should I talk to?”")
    yes_no = [question.text for question in agenda if is_yes_no(question.text)]
    if count == 0:
        warnings.append("No open questions yet: pick some that start with what, how or why.")
    elif len(yes_no) == count:
        warnings.append("No open questions: every question can be answered yes or no.")
    for text in yes_no:
        shown = one_line(text)
        warnings.append(f"Yes/no question: “{shown}” — {_rephrase(shown)}")
    return warnings


def open_questions_left(agenda: Sequence[TrackedQuestion]) -> int:
    """How many open (not yes/no) questions are still to ask."""
    return sum(1 for item in agenda if not item.asked and not is_yes_no(item.text))


# -- the bank -----------------------------------------------------------------------------


def merge_bank(stored: Iterable[Question]) -> list[Question]:
    """The whole bank: built-ins in order (with the user's tags and hiding), then their own.

    A stored question with a built-in's id may only change ``hidden`` and
    ``tags``: the words and category always come from this release, so a fix
    to a built-in reaches everyone.  If a built-in is stored twice, the last
    one wins.  The user's own questions keep the order given.
    """
    overrides: dict[str, Question] = {}
    own: list[Question] = []
    for question in stored:
        if question.id in _BUILTIN_IDS:
            overrides[question.id] = question
        else:
            own.append(replace(question, builtin=False) if question.builtin else question)
    merged: list[Question] = []
    for builtin in BUILTIN_QUESTIONS:
        override = overrides.get(builtin.id)
        if override is not None:
            builtin = replace(builtin, tags=override.tags, hidden=override.hidden)
        merged.append(builtin)
    return merged + own


def filter_questions(
    questions: Iterable[Question],
    text: str = "",
    category: Category | None = None,
    include_hidden: bool = False,
) -> list[Question]:
    """The questions matching a search, in their order.

    Every word of ``text`` must appear (any case) in the question's text, its
    category or one of its tags; a ``#word`` matches only tags and the
    category, by their start, so "#rem" finds "remote" while it is being typed
    and "#network" the network questions.  A lone "#" is
    ignored for the same reason.
    """
    words: list[str] = []
    tag_words: list[str] = []
    for word in text.casefold().split():
        if word.startswith("#"):
            if stripped := word.lstrip("#"):
                tag_words.append(stripped)
        else:
            words.append(word)
    found = []
    for question in questions:
        if question.hidden and not include_hidden:
            continue
        if category is not None and question.category != category:
            continue
        tags = [tag.casefold() for tag in question.tags]
        labels = [*tags, question.category.value, question.category.slug]
        if not all(any(label.startswith(word) for label in labels) for word in tag_words):
            continue
        # "\n" can't occur in a word, so no word matches across two fields.
        haystack = "\n".join([question.text.casefold(), question.category.value, *tags])
        if all(word in haystack for word in words):
            found.append(question)
    return found
