from typing import Any

from django import template

from pacesetter.core.formatting import number, percent
from pacesetter.core.shares import share_display

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **kwargs: Any) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return str(query.urlencode())


@register.simple_tag(takes_context=True)
def print_query(context: template.Context) -> str:
    """The current query string for the page's print view: its filters kept, no page
    number, ``print=1`` (every row up to ``PRINT_MAX_ROWS``: core.views.paginate)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query["print"] = "1"
    return str(query.urlencode())


@register.filter(name="number")
def number_filter(value: Any) -> str:
    """``{{ value|number }}``: see :func:`pacesetter.core.formatting.number`."""
    return number(value)


@register.filter(name="percent")
def percent_filter(value: Any) -> str:
    """``{{ share|percent }}``: see :func:`pacesetter.core.formatting.percent`."""
    return percent(value)


@register.filter(name="share")
def share_filter(value: Any) -> str:
    """``{{ poll.quorum|share }}``: "50%" or "2/3", see
    :func:`pacesetter.core.shares.share_display`."""
    return share_display(value)
