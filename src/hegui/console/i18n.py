"""Chinese and English UI text: a small message catalogue and the choice of language.

The language is the one the user picked (session, then account setting), else the first of zh/en
in the browser's Accept-Language, else Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hegui.console.messages import CATALOGUE

LANGUAGES = ("zh", "en")
DEFAULT = "zh"

Translate = Callable[..., str]


def from_accept_language(header: str | None) -> str | None:
    """The first of zh/en the browser asks for (by q-value), or ``None``."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGUAGES and q > 0:
            ranked.append((-q, index, base))
    return min(ranked)[2] if ranked else None


def choose(session_lang: Any, user_lang: str | None, accept_language: str | None) -> str:
    """The UI language of a request."""
    for candidate in (session_lang, user_lang, from_accept_language(accept_language)):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT


def translator(lang: str) -> Translate:
    """``_(key, **values)``: the message in ``lang``, formatted with ``values``.

    An unknown key raises ``KeyError`` (a test renders every template to catch typos).
    """
    index = LANGUAGES.index(lang)

    def _(key: str, **values: Any) -> str:
        text = CATALOGUE[key][index]
        return text.format(**values) if values else text

    return _
