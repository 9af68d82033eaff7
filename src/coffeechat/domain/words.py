"""Counting and articles, said the way a person would: "1 contact", "every month", "an engineer".

Depends on nothing, so the rules, the humanized phrases, the templates and
every screen can use it.
"""

from __future__ import annotations

import re

#: Words whose plural is not the word plus "s".
_IRREGULAR = {"person": "people", "company": "companies", "reply": "replies"}

#: Letters said with a vowel sound first ("an SRE", "an MBA", "an X-ray tech").
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")
#: Beginnings with a vowel letter but a consonant sound ("a user researcher", "a one-off").
_CONSONANT_SOUND = re.compile(r"(uni|use|usu|ura|uro|eu|ewe|one\b|once)", re.IGNORECASE)
#: Beginnings with a silent h ("an hour", "an honest answer").
_SILENT_H = re.compile(r"(hour|honest|honou?r|heir)", re.IGNORECASE)
_ARTICLE = re.compile(r"(a|an|the)\s", re.IGNORECASE)


def plural(word: str, count: int, many: str | None = None) -> str:
    """``word`` for ``count`` of them: "contact" for 1, "contacts" otherwise."""
    if count == 1:
        return word
    return many or _IRREGULAR.get(word) or word + "s"


def counted(count: int, word: str, many: str | None = None) -> str:
    """The count and the word: "1 contact", "2 contacts", "0 people"."""
    return f"{count} {plural(word, count, many)}"


def every(count: int, unit: str) -> str:
    """How often: "every month", "every 3 months"."""
    return f"every {unit}" if count == 1 else f"every {counted(count, unit)}"


def article(phrase: str) -> str:
    """ "a" or "an", by how ``phrase`` is said: "an engineer", "a Data Scientist", "an SRE"."""
    word = phrase.strip().split(maxsplit=1)[0] if phrase.strip() else ""
    if not word:
        return "a"
    letters = word.rstrip(".,;:")
    if len(letters) > 1 and letters.isupper():  # an acronym, said letter by letter
        return "an" if letters[0] in _VOWEL_SOUND_LETTERS else "a"
    if _SILENT_H.match(word):
        return "an"
    if _CONSONANT_SOUND.match(word):
        return "a"
    return "an" if word[0].lower() in "aeiou" else "a"


def with_article(phrase: str) -> str:
    """``phrase`` after "a" or "an", unless it has its own ("the Head of Data"); "" stays ""."""
    phrase = phrase.strip()
    if not phrase or _ARTICLE.match(phrase):
        return phrase
    return f"{article(phrase)} {phrase}"


def full_sentence(text: str) -> str:
    """``text`` as a sentence to show: a capital first letter and a full stop at the end.

    Errors are written as fragments ("Ada was deleted (perhaps elsewhere)") so
    the CLI can put them after "coffeechat: "; a toast shows them whole.
    """
    text = text.strip()
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!", "…")) else text + "."
