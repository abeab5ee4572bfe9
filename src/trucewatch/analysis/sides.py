"""Sides and dyads: who an event or statement sets against whom, and how to name them.

A side is a country code (ISO alpha-3): Hamas and its armed wing, or Putin and the Kremlin,
stand for one side, while records keep the names the articles use for display ("Israel and
Hamas"). International bodies and the media are never a side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from trucewatch.actors.catalogue import cached_catalogue
from trucewatch.model import Event, Mention, dyad_key

NOT_SIDES = frozenset({"UNO", "EUR", "IGO", "NGO", "ISM", "IMG", "MNC"})
NOT_SIDE_SECTORS = frozenset({"JRN", "IGO"})


def side(mention: Mention) -> str | None:
    """The side a mention stands for, or None."""
    code = mention.actor.country
    if code is None or code in NOT_SIDES or mention.actor.sector in NOT_SIDE_SECTORS or mention.as_place:
        return None
    return code


def event_dyads(event: Event) -> set[str]:
    """The dyads an event sets against each other: every source side with every target side."""
    sources = {s for m in event.actors if (s := side(m))}
    targets = {s for m in event.targets if (s := side(m))}
    return {dyad_key(a, b) for a in sources for b in targets if a != b}


def label(mentions: Iterable[Mention]) -> str:
    """The name to show for one side: the named non-state actor the articles use most (Hamas),
    else the state's name, also when only its people or offices were named ("Qatar's Prime
    Minister" stands for Qatar)."""
    names: Counter[str] = Counter()
    states: Counter[str] = Counter()
    for m in mentions:
        if m.actor.kind in ("armed_group", "party"):
            names[m.actor.name] += 1
        elif m.actor.kind == "state":
            states[m.actor.name] += 1
    if names:
        return names.most_common(1)[0][0]
    if states:
        return states.most_common(1)[0][0]
    first = next(iter(mentions), None)
    if first is None:
        return "?"
    if first.actor.country:
        return cached_catalogue().country_actor(first.actor.country).name
    return first.actor.name


def matches(mentions: Sequence[Mention], wanted: str) -> bool:
    """Whether any mention is the side ``wanted``: a country code or part of a name."""
    needle = wanted.strip()
    for m in mentions:
        if m.actor.country and m.actor.country.upper() == needle.upper():
            return True
        if len(needle) > 3 and needle.lower() in m.actor.name.lower():
            return True
    return False


def dyad_sides(dyad: str) -> tuple[str, str]:
    """The two country codes of a dyad key."""
    a, b = dyad.split("|")
    return a, b
