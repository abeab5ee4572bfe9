"""robots.txt: asked before every request, read once per site and kept for a while.

Rules are parsed by :mod:`urllib.robotparser`. What a missing or failing robots.txt means
follows RFC 9309: a 4xx answer means no rules (everything allowed); a 5xx answer or an
unreachable site means the rules are unknown, so nothing is fetched until they can be read,
which is tried again after a short while.
"""

from __future__ import annotations

import logging
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from trucewatch.errors import FetchError

log = logging.getLogger(__name__)

# How long rules are kept before being read again (RFC 9309 suggests at most a day).
RULES_TTL = 3600.0
# How long an unreachable robots.txt bars a site before it is asked again.
UNREACHABLE_TTL = 60.0

# Fetches a URL's text once, without robots rules: (status, text), or FetchError.
Source = Callable[[str], tuple[int, str]]


@dataclass
class _Rules:
    parser: urllib.robotparser.RobotFileParser | None
    expires: float
    problem: str | None = None


class Robots:
    """The robots.txt rules of each site, for one user agent."""

    def __init__(self, source: Source, user_agent: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._agent = user_agent
        self._clock = clock
        self._sites: dict[str, _Rules] = {}

    def check(self, url: str) -> None:
        """Return when ``url`` may be fetched; raise FetchError saying why when it may not."""
        rules = self._rules(url)
        if rules.problem is not None:
            raise FetchError(rules.problem)
        if rules.parser is not None and not rules.parser.can_fetch(self._agent, url):
            raise FetchError(f"robots.txt of {_site(url)} disallows {urlsplit(url).path or '/'}")

    def crawl_delay(self, url: str) -> float:
        """The seconds the site asks between requests (its Crawl-delay), or 0."""
        rules = self._sites.get(_site(url))
        delay = rules.parser.crawl_delay(self._agent) if rules and rules.parser else None
        return float(delay or 0)

    def _rules(self, url: str) -> _Rules:
        site = _site(url)
        now = self._clock()
        rules = self._sites.get(site)
        if rules is None or rules.expires <= now:
            rules = self._read(site, now)
            self._sites[site] = rules
        return rules

    def _read(self, site: str, now: float) -> _Rules:
        try:
            status, text = self._source(f"{site}/robots.txt")
        except FetchError as exc:
            return _Rules(
                None, now + UNREACHABLE_TTL, f"robots.txt of {site} unreachable ({exc}); not fetching"
            )
        if status >= 500:
            return _Rules(
                None, now + UNREACHABLE_TTL, f"robots.txt of {site} answers HTTP {status}; not fetching"
            )
        if status >= 400:
            return _Rules(None, now + RULES_TTL)  # no robots.txt: no rules
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(text.splitlines())
        log.debug("read robots.txt of %s", site)
        return _Rules(parser, now + RULES_TTL)


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
