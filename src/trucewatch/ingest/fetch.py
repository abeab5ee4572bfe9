"""Downloading pages and feeds politely and without hanging.

Every request made by :class:`Fetcher`:

1. is checked against the site's robots.txt (:mod:`trucewatch.ingest.robots`);
2. waits its turn: requests to one host are spaced by ``host_interval`` seconds, or the
   site's Crawl-delay when longer;
3. carries a User-Agent that names trucewatch;
4. must deliver its whole body within ``deadline`` seconds (a page that trickles forever is
   cut off) and within ``max_bytes``, and each read within ``timeout``;
5. follows at most ``max_redirects`` redirects, each checked like a new request, and stops at
   a loop;
6. is tried again, after 1, 2, 4... times ``backoff`` seconds, when it timed out, could not
   connect, or got a 429 or 5xx answer.

Failures end as one :class:`~trucewatch.errors.FetchError` that says what happened.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from importlib.metadata import version
from urllib.parse import urljoin, urlsplit

import httpx

from trucewatch.errors import FetchError
from trucewatch.ingest.robots import Robots

log = logging.getLogger(__name__)

USER_AGENT = f"trucewatch/{version('trucewatch')} (conflict news monitor; honours robots.txt)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# The longest a Retry-After header may make us wait, in seconds.
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class FetchOptions:
    """How requests are made; the defaults suit watching news sites."""

    timeout: float = 10.0
    deadline: float = 30.0
    retries: int = 2
    backoff: float = 1.0
    max_redirects: int = 5
    host_interval: float = 1.0
    max_bytes: int = 5_000_000
    user_agent: str = USER_AGENT
    robots: bool = True


@dataclass(frozen=True)
class Fetched:
    """An answer: the URL it came from after redirects, its status, headers and body."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def charset(self) -> str | None:
        """The encoding the Content-Type header declares, if any."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"'")
        return None


class _Retry(Exception):
    """An attempt failed in a way that may pass: timeout, no connection, 429, 5xx."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


class Fetcher:
    """An HTTP client that keeps to robots.txt, a per-host rate, timeouts and a retry budget."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options or FetchOptions()
        self._clock = clock
        self._sleep = sleep
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=False,
            headers={"User-Agent": self.options.user_agent},
        )
        self._next_turn: dict[str, float] = {}
        self.robots = Robots(self._robots_text, self.options.user_agent, clock)

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Fetched:
        """GET ``url`` following redirects; a 2xx or 304 answer, else FetchError."""
        if not url.startswith(("http://", "https://")):
            raise FetchError(f"not an http(s) URL: {url}")
        seen = [url]
        while True:
            answer = self._with_retries(url, headers, check_robots=self.options.robots)
            if answer.status not in REDIRECT_STATUSES:
                break
            target = answer.headers.get("location")
            if not target:
                raise FetchError(f"HTTP {answer.status} without a Location from {url}")
            url = urljoin(url, target)
            if url in seen:
                raise FetchError(f"redirect loop: {' -> '.join([*seen, url])}")
            seen.append(url)
            if len(seen) > self.options.max_redirects + 1:
                raise FetchError(f"more than {self.options.max_redirects} redirects from {seen[0]}")
        if answer.status >= 400:
            raise FetchError(f"HTTP {answer.status} from {url}")
        return answer

    def _with_retries(self, url: str, headers: Mapping[str, str] | None, check_robots: bool) -> Fetched:
        attempts = self.options.retries + 1
        attempt = 0
        while True:
            if check_robots:
                self.robots.check(url)
            try:
                return self._once(url, headers)
            except _Retry as problem:
                attempt += 1
                if attempt == attempts:
                    suffix = f" after {attempts} attempts" if attempts > 1 else ""
                    raise FetchError(f"{problem} from {url}{suffix}") from None
                wait = self.options.backoff * 2 ** (attempt - 1)
                if problem.wait is not None:
                    wait = max(wait, min(problem.wait, MAX_RETRY_AFTER))
                log.info("%s from %s; trying again in %.1f s", problem, url, wait)
                self._sleep(wait)

    def _once(self, url: str, headers: Mapping[str, str] | None) -> Fetched:
        self._wait_turn(url)
        deadline = self._clock() + self.options.deadline
        try:
            with self._client.stream("GET", url, headers=dict(headers or {})) as response:
                if response.status_code in RETRY_STATUSES:
                    raise _Retry(f"HTTP {response.status_code}", _retry_after(response.headers))
                body = bytearray()
                for piece in response.iter_bytes():
                    body += piece
                    if len(body) > self.options.max_bytes:
                        raise FetchError(f"{url} is larger than {self.options.max_bytes} bytes")
                    if self._clock() > deadline:
                        raise _Retry(f"not finished within {self.options.deadline:g} s")
                return Fetched(str(response.url), response.status_code, dict(response.headers), bytes(body))
        except httpx.TimeoutException:
            raise _Retry(f"timed out after {self.options.timeout:g} s") from None
        except httpx.TransportError as exc:
            raise _Retry(f"cannot connect ({exc or type(exc).__name__})") from None

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        interval = max(self.options.host_interval, self.robots.crawl_delay(url))
        now = self._clock()
        turn = self._next_turn.get(host, now)
        if turn > now:
            self._sleep(turn - now)
        self._next_turn[host] = max(now, turn) + interval

    def _robots_text(self, url: str) -> tuple[int, str]:
        """robots.txt itself: one attempt, redirects followed, no robots check."""
        seen = 0
        while True:
            try:
                answer = self._once(url, None)
            except _Retry as problem:
                raise FetchError(str(problem)) from None
            target = answer.headers.get("location")
            if answer.status not in REDIRECT_STATUSES or not target or seen >= self.options.max_redirects:
                return answer.status, answer.content.decode("utf-8", errors="replace")
            url = urljoin(url, target)
            seen += 1


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())
