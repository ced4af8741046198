"""Where push syndication published a page (the representation's ``syndicated_to``).

The records are syndication's (``syndication.push.models.SyndicationRecord``), but ``cms``
never imports ``syndication`` (``themes`` <- ``cms`` <- ``syndication``). So ``cms`` owns only
this seam: syndication registers a batch provider in ``AppConfig.ready()``, and the resolver
asks it once per batch of pages (one query for a list of 100 as for 1). Without a provider
(``syndication`` not installed) every page has ``[]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

Provider = Callable[[list[int]], dict[int, list[dict]]]

_provider: Provider | None = None


def register_provider(provider: Provider) -> None:
    global _provider
    _provider = provider


def syndicated_to(page_ids: Iterable[int]) -> dict[int, list[dict]]:
    """``{page_id: [{"target": name, "url": remote URL}, …]}`` for the given pages."""
    ids = list(page_ids)
    if _provider is None or not ids:
        return {}
    return _provider(ids)
