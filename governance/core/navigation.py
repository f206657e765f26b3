"""What each domain adds to the shared pages: menu items and home-page cards.

Core draws the menu and the home page but knows no domain: each domain registers its
items and cards in its `init_app(app)` (CONVENTIONS.md habit 12). An item or card is
shown to users who hold its permission; a card's `context` reads what the user has to
do (or returns None to stay hidden), and a menu item's `count` says how many things
wait there (the number next to the label). Both are computed once per request.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import Flask, current_app, g, url_for

from .permissions import can

_KEY = "governance.navigation"


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Any                 # a lazy string, translated when the menu is drawn
    permission: str
    order: int = 50
    count: Callable[[Any], int] | None = None  # user -> things waiting (0: no number)
    count_label: Any = None    # what the number counts, for screen readers ("waiting" if None)


@dataclass(frozen=True)
class HomeCard:
    name: str
    template: str              # rendered with the context returned by `context`
    permission: str
    context: Callable[[Any], dict | None]  # user -> template context, or None: not shown
    order: int = 50


def _registry(app: Flask) -> dict:
    return app.extensions.setdefault(_KEY, {"nav": [], "cards": []})


def register_nav(app: Flask, *items: NavItem) -> None:
    _registry(app)["nav"].extend(items)
    _registry(app)["nav"].sort(key=lambda item: item.order)


def register_card(app: Flask, *cards: HomeCard) -> None:
    _registry(app)["cards"].extend(cards)
    _registry(app)["cards"].sort(key=lambda card: card.order)


def nav_items(user) -> list[dict]:
    """The menu for `user`: [{url, label, endpoint, count}], counts read once per request."""
    cached = g.get("_nav_items")
    if cached is not None:
        return cached
    items = []
    for item in _registry(current_app)["nav"]:
        if item.endpoint in current_app.view_functions and can(user, item.permission):
            items.append({"url": url_for(item.endpoint), "label": str(item.label),
                          "endpoint": item.endpoint,
                          "count": item.count(user) if item.count else 0,
                          "count_label": str(item.count_label) if item.count_label else None})
    g._nav_items = items
    return items


def home_cards(user) -> list[dict]:
    """The home page's cards for `user`: [{name, template, context}]."""
    cards = []
    for card in _registry(current_app)["cards"]:
        if not can(user, card.permission):
            continue
        context = card.context(user)
        if context is not None:
            cards.append({"name": card.name, "template": card.template, "context": context})
    return cards
