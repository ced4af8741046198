"""``?search=``: user input made safe and cheap for the full-text backend.

Why: the query string went to the backend as typed. SQLite's FTS5 parses it as its own query
language (``"`` or ``(`` alone is a syntax error, i.e. a 500), and a hundred repeated
one-letter words cost seconds per request. So the API searches for *words* only: word
characters are kept, everything else is a separator; words are lower-cased (FTS5's operators
``AND``/``OR``/``NOT``/``NEAR`` are upper-case only) and de-duplicated; their number and total
length are capped; and the queries of a search request run under a time budget
(``KANAL_API_SEARCH_BUDGET_MS``: SQLite's progress handler, PostgreSQL's
``statement_timeout``). Search requests also weigh more in the rate limit
(``KANAL_API_SEARCH_RATE_WEIGHT``, see ``cms.api.keys``).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext
from wagtail.api.v2.utils import BadRequestError

WORD = re.compile(r"\w+")
MAX_TOTAL_LENGTH = 200


class SearchTooExpensive(Exception):
    """The search's queries ran past ``KANAL_API_SEARCH_BUDGET_MS``."""


def search_terms(value: str) -> list[str]:
    """The distinct words of ``value``, lower-cased, in order of first appearance."""
    seen: dict[str, None] = {}
    for word in WORD.findall(value.lower()):
        seen.setdefault(word, None)
    return list(seen)


def parse(value: str) -> str:
    """The backend query for ``?search=value`` (plain words joined by spaces), or a 400."""
    terms = search_terms(value)
    if not terms:
        raise BadRequestError(gettext("search: give at least one word (letters or digits)"))
    limit = settings.KANAL_API_SEARCH_MAX_TERMS
    if len(terms) > limit:
        raise BadRequestError(gettext("search: at most %d different words") % limit)
    query = " ".join(terms)
    if len(query) > MAX_TOTAL_LENGTH:
        raise BadRequestError(gettext("search: at most %d characters of words") % MAX_TOTAL_LENGTH)
    return query


@contextlib.contextmanager
def search_budget() -> Iterator[None]:
    """Stop the database work inside after ``KANAL_API_SEARCH_BUDGET_MS`` milliseconds.

    Raises ``SearchTooExpensive``; the connection stays usable. On PostgreSQL the budget is a
    ``SET LOCAL statement_timeout`` in a transaction of its own (API reads are not atomic).
    """
    budget_ms = settings.KANAL_API_SEARCH_BUDGET_MS
    if not budget_ms:
        yield
        return
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL statement_timeout = %s", [int(budget_ms)])
                yield
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == "57014":  # query_canceled
                raise SearchTooExpensive from exc
            raise
        return
    if connection.vendor == "sqlite":
        deadline = time.monotonic() + budget_ms / 1000
        raw = connection.connection
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        try:
            yield
        except OperationalError as exc:
            if "interrupted" in str(exc):
                raise SearchTooExpensive from exc
            raise
        finally:
            raw.set_progress_handler(None, 0)
        return
    yield
