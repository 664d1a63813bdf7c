"""Rich text of a practice's body: sanitized with nh3 on every write (docs/practices.md,
"Body"). The allow-list is here, once; the page shows what was stored."""

from __future__ import annotations

import html

import nh3
from django.utils.html import strip_tags

#: Tags a body may keep; any other tag is dropped (its text kept).
TAGS = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "u", "s", "sub", "sup",
        "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
#: Attributes a tag may keep; every other attribute (``on…``, ``style``) is dropped.
ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
#: Link schemes a ``href`` may use (a ``javascript:`` link loses its ``href``).
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Tags removed with their content.
REMOVED_WITH_CONTENT = frozenset({"script", "style"})


def sanitize(html: str) -> str:
    """``html`` with only the allowed tags, attributes and link schemes."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    ).strip()


def plain(text: str) -> str:
    """The text of a sanitized body, for the search key (``&amp;`` read as ``&``)."""
    return html.unescape(strip_tags(text))
