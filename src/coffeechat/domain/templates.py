"""The four messages of the loop, as editable text templates.

A template is plain ``string.Template`` text: a ``Subject:`` line, a blank
line, the body.  Filling one in never evaluates anything: each placeholder is
replaced in a single pass with the value exactly as the person typed it (minus
terminal control characters), so a contact's notes that happen to contain
``$name`` or ``{{ 7*7 }}`` come out as written.  Users may override any of the
four in ``<config>/templates/<kind>.txt`` (read by ``coffeechat.template_files``,
outside the domain); the same rules apply.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from string import Template
from types import MappingProxyType

from coffeechat.domain.meetings import DEFAULT_MINUTES
from coffeechat.domain.stages import Stage
from coffeechat.domain.text import printable
from coffeechat.domain.words import with_article


class MessageKind(StrEnum):
    """Which message a draft is; the value names its override file (``<value>.txt``)."""

    REQUEST = "request"
    THANK_YOU = "thank-you"
    FOLLOW_UP = "follow-up"
    REFERRAL = "referral"


def message_name(message: str) -> str:
    """What a person calls a sent message: the one to someone introduced is still a request."""
    return "request" if message == MessageKind.REFERRAL else message


PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "name": "their full name",
        "first_name": "the first word of their name",
        "company": "where they work",
        "role": "their job title",
        "a_role": "their job title after a or an, e.g. a Data Scientist",
        "referrer": "who suggested you contact them",
        "my_name": "your name, to sign with (set it once in the app)",
        "minutes": f"how long the meeting is, in minutes ({DEFAULT_MINUTES} unless you changed it)",
        "format": "how you meet: phone, video, coffee, lunch or in person",
        "meeting_date": "the day you met, e.g. Tuesday 24 November",
        "takeaway": "the first takeaway you noted from the meeting",
        "takeaways": "every takeaway, one per line, each starting with '- '",
        "next_step": "what you will do on their advice",
        "slots": "the times you offer, e.g. Tue 24 Nov 10:00, Wed 25 Nov 14:00",
        "since_meeting": "roughly how long ago you met, e.g. two months ago",
        "field": "the field or kind of role you are exploring",
    }
)

# What a draft shows where a value is missing: bracketed so it stands out and
# the draft screen can warn that something is left to fill in before sending.
HINTS: Mapping[str, str] = MappingProxyType(
    {
        "name": "[their name]",
        "first_name": "[their first name]",
        "company": "[their company]",
        "role": "[their role]",
        "a_role": "[a or an, and their role]",
        "referrer": "[the person who referred you]",
        "my_name": "[your name]",
        "minutes": "[how many minutes]",
        "format": "[phone, video or coffee]",
        "meeting_date": "[the day you met]",
        "takeaway": "[one specific thing you learned]",
        "takeaways": "[what you learned, one point per line]",
        "next_step": "[the step you will take on their advice]",
        "slots": "[two or three times that suit you]",
        "since_meeting": "[when you met, e.g. two months ago]",
        "field": "[the field you are exploring]",
    }
)

# Values that may span lines; every other value is joined onto one line so a
# pasted name or note can't break a sentence, let alone add a header.
_MULTILINE = frozenset({"takeaways"})

# Written for this app from the advice in DESIGN.md and its source articles:
# short, specific, never asking for a job.  No literal brackets: with every value known, a
# draft must be ready to send as it stands.
BUILTIN_TEMPLATES: Mapping[MessageKind, str] = MappingProxyType(
    {
        MessageKind.REQUEST: """\
Subject: A $minutes-minute chat about your work at $company?

Hi $first_name,

I'm exploring $field, and your path to becoming $a_role at $company is one I would \
really like to understand from the inside.

Could you spare $minutes minutes for a call, or a coffee if that is easier? \
I'll bring my questions and keep an eye on the clock. Any of these times \
would suit me: $slots. If none of them work, name one that does and I'll \
fit around it.

I'm not looking for a job through you, only for your perspective.

Thank you for considering it,
$my_name
""",
        MessageKind.THANK_YOU: """\
Subject: Thank you, $first_name

Hi $first_name,

Thank you for making time for me on $meeting_date. I left with a much \
clearer picture of the work at $company, and I'm grateful you were so open \
about it.

The point that has stayed with me most: $takeaway

Acting on your advice, I'm going to $next_step, and I'll let you know how \
it goes.

I'd be glad to stay in touch, and if I can ever return the favour, just ask.

With thanks,
$my_name
""",
        MessageKind.FOLLOW_UP: """\
Subject: A quick update, $first_name

Hi $first_name,

When we spoke $since_meeting, one piece of your advice stood out: $takeaway

I took it seriously, and it has shaped how I'm going about $field since. \
No need to reply; I simply wanted you to know your time made a difference.

I hope all is well at $company.

Best wishes,
$my_name
""",
        MessageKind.REFERRAL: """\
Subject: $referrer suggested we talk

Hi $first_name,

$referrer suggested I reach out to you. I'm exploring $field, and they \
thought your experience as $a_role at $company would be especially worth \
hearing about.

Would you have $minutes minutes for a short call or a coffee? I'll come \
prepared and keep to time. These times suit me: $slots. Another time is \
fine too; just say which.

To be clear, I'm not asking about openings, only hoping to learn from how \
you got where you are.

Thank you,
$my_name
""",
    }
)


@dataclass(frozen=True, slots=True)
class Draft:
    """A filled-in message, ready to edit, copy or save."""

    kind: MessageKind
    subject: str
    body: str

    @property
    def text(self) -> str:
        """The whole message as a person pastes it: the subject line, a blank line, the body."""
        if not self.subject:
            return self.body
        return f"Subject: {self.subject}\n\n{self.body}"


# English names, not strftime's %a/%b: the message is English whatever the
# machine's locale, and a French day name mid-sentence would read as a typo.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve")  # fmt: skip


def template_values(
    *,
    name: str,
    company: str = "",
    role: str = "",
    referrer: str = "",
    my_name: str = "",
    minutes: int = DEFAULT_MINUTES,
    meeting_format: str = "",
    meeting_at: datetime | None = None,
    takeaways: Sequence[str] = (),
    next_step: str = "",
    slots: Sequence[datetime] = (),
    field: str = "",
    now: datetime,
) -> dict[str, str]:
    """A plain string for every name in PLACEHOLDERS ("" where unknown; render shows a hint).

    Dates and times are shown in ``now``'s time zone.
    """
    full_name = _one_line(name)
    points = [point for point in (_one_line(t) for t in takeaways) if point]
    return {
        "name": full_name,
        "first_name": full_name.split()[0] if full_name else "",
        "company": _one_line(company),
        "role": _one_line(role),
        "a_role": with_article(_one_line(role)),
        "referrer": _one_line(referrer),
        "my_name": _one_line(my_name),
        "minutes": str(minutes) if minutes > 0 else "",
        "format": _one_line(meeting_format),
        "meeting_date": _day(meeting_at, now) if meeting_at else "",
        "takeaway": points[0] if points else "",
        "takeaways": "\n".join(f"- {point}" for point in points),
        "next_step": _one_line(next_step),
        "slots": ", ".join(_slot(slot, now) for slot in slots),
        "since_meeting": _since(meeting_at, now) if meeting_at else "",
        "field": _one_line(field),
    }


def render(kind: MessageKind, template_text: str, values: Mapping[str, str]) -> Draft:
    """Fill ``template_text`` with ``values``: never raises, never evaluates a value.

    Empty or missing values become their HINTS; names that are neither
    placeholders nor in ``values`` stay as written; ``$$`` is a dollar sign
    and a stray ``$`` is left alone.
    """
    subject_line, body = _split_subject(template_text.replace("\r\n", "\n"))
    subject = _substitute(subject_line, values, one_line=True).strip()
    filled = _substitute(body, values, one_line=False).strip("\n")
    return Draft(kind=kind, subject=subject, body=f"{filled}\n" if filled else "")


def template_problems(template_text: str) -> list[str]:
    """What is wrong with a user's template, one sentence each, with line numbers.

    Each unknown placeholder is reported once, at its first use.
    """
    problems: list[str] = []
    seen: set[str] = set()
    for match in Template.pattern.finditer(template_text):
        line = template_text.count("\n", 0, match.start()) + 1
        if match.group("invalid") is not None:
            problems.append(
                f"line {line}: '$' must be followed by a placeholder name or written as $$"
            )
            continue
        name = match.group("named") or match.group("braced")
        if name is None or name in PLACEHOLDERS or name in seen:
            continue
        seen.add(name)
        close = difflib.get_close_matches(name, list(PLACEHOLDERS), n=1)
        guess = f" (did you mean ${close[0]}?)" if close else ""
        known = ", ".join(f"${known}" for known in PLACEHOLDERS)
        problems.append(f"line {line}: ${name} is not a placeholder{guess}; known: {known}")
    return problems


_NEXT_MESSAGE = {
    Stage.IDENTIFIED: MessageKind.REQUEST,
    # Still waiting on a reply: the useful draft is the request again, as a nudge.
    Stage.REQUESTED: MessageKind.REQUEST,
    Stage.MET: MessageKind.THANK_YOU,
    Stage.THANKED: MessageKind.FOLLOW_UP,
    Stage.FOLLOW_UP: MessageKind.FOLLOW_UP,
}


def kind_for(stage: str, referred: bool) -> MessageKind:
    """The message a contact in ``stage`` needs next; a referred contact gets the referral note.

    Raises ValueError for a stage name that isn't one of the five.
    """
    kind = _NEXT_MESSAGE[Stage.parse(stage)]
    if kind is MessageKind.REQUEST and referred:
        return MessageKind.REFERRAL
    return kind


def checked_template(kind: MessageKind, raw: str | None, source: str) -> tuple[str, str | None]:
    """The template text to use for ``kind`` and a warning to show, or None.

    ``raw`` is the text of the person's override (None: there is none), read
    by the caller from ``source`` (a path, named in warnings).  An empty
    override falls back to the built-in; one with mistakes is still used,
    since the person asked for it, and the warning names the first mistake.
    """
    builtin = BUILTIN_TEMPLATES[kind]
    if raw is None:
        return builtin, None
    text = printable(raw)
    if not text.strip():
        return builtin, f"{source} is empty; using the built-in template."
    problems = template_problems(text)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return text, f"{source}: {problems[0]}{more}"
    return text, None


# -- helpers ---------------------------------------------------------------

_SUBJECT = re.compile(r"subject:[ \t]*", re.IGNORECASE)


def _split_subject(template_text: str) -> tuple[str, str]:
    """The template's subject line (without "Subject:") and its body.

    Split before substituting, so no value can ever become the subject.
    """
    first, newline, rest = template_text.partition("\n")
    match = _SUBJECT.match(first)
    if match is None:
        return "", template_text
    return first[match.end() :], rest if newline else ""


def _substitute(text: str, values: Mapping[str, str], *, one_line: bool) -> str:
    """``Template.safe_substitute`` in one pass, inserting each value literally.

    ``re.sub`` with a function inserts what it returns as it is (no
    backslash or group expansion), and the inserted text is never scanned
    again, so values can't substitute into each other.
    """

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped") is not None:
            return "$"
        name = match.group("named") or match.group("braced")
        if name is None or (name not in values and name not in PLACEHOLDERS):
            return match.group(0)
        value = values.get(name, "")
        if name in _MULTILINE and not one_line:
            # splitlines also breaks on \r, \v, \f and the Unicode separators.
            value = "\n".join(line.rstrip() for line in printable(value).strip().splitlines())
        else:
            value = _one_line(value)
        return value or HINTS.get(name, f"[{name}]")

    return Template.pattern.sub(replace, text)


def _one_line(text: str) -> str:
    """``text`` cleaned of control characters with its lines joined by spaces."""
    return " ".join(part.strip() for part in printable(text).splitlines() if part.strip())


def _local(when: datetime, now: datetime) -> datetime:
    """``when`` in ``now``'s time zone; a naive time is taken as wall-clock time there."""
    if now.tzinfo is None:
        return when.replace(tzinfo=None)
    if when.tzinfo is None:
        return when.replace(tzinfo=now.tzinfo)
    return when.astimezone(now.tzinfo)


def _day(when: datetime, now: datetime) -> str:
    """The day as a letter names it, "Tuesday 24 November" (plus the year if not ``now``'s)."""
    local = _local(when, now)
    text = f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]}"
    return text if local.year == now.year else f"{text} {local.year}"


def _slot(when: datetime, now: datetime) -> str:
    """A time offered for a meeting, "Tue 24 Nov 10:00" (plus the year if not ``now``'s)."""
    local = _local(when, now)
    day = f"{_DAYS[local.weekday()][:3]} {local.day} {_MONTHS[local.month - 1][:3]}"
    if local.year != now.year:
        day = f"{day} {local.year}"
    return f"{day} {local:%H:%M}"


def _since(when: datetime, now: datetime) -> str:
    """How long ago ``when`` was, as a person would say it ("two months ago"); "" if ahead."""
    local = _local(when, now)
    if local > now:
        return ""
    days = (now.date() - local.date()).days
    if days == 0:
        return "earlier today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return "a few days ago"
    if days < 14:
        return "last week"
    if days < 28:
        return f"{_words(days // 7)} weeks ago"
    months = round(days / 30.44)
    if months < 2:
        return "a month ago"
    if months < 12:
        return f"{_words(months)} months ago"
    years = round(days / 365.25)
    return "a year ago" if years < 2 else f"{_words(years)} years ago"


def _words(number: int) -> str:
    """Small numbers as words, as they read in a sentence."""
    return _NUMBER_WORDS[number] if number < len(_NUMBER_WORDS) else str(number)
