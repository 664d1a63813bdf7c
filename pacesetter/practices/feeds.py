"""The Atom feed of published practices (django.contrib.syndication): newest published
first, in the request's language (``?lang=``, else the language cookie or
Accept-Language), each entry linking to its public page in that language."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Practice, WorkField
from .public_selectors import feed_practices

#: How many entries the feed holds.
FEED_SIZE = 50


def _in_language(url: str) -> str:
    return f"{url}?{urlencode({'lang': get_language() or 'en'})}"


class PublishedPracticesFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Good practice: published practices")

    def subtitle(self) -> str:
        return _(
            "Advanced models, experiences and working methods, innovation initiatives and "
            "innovation studios, as the lead body publishes them."
        )

    def link(self) -> str:
        return _in_language(reverse("practices:public_list"))

    def feed_url(self) -> str:
        return _in_language(reverse("practices:public_feed"))

    def items(self) -> QuerySet[Practice]:
        return feed_practices(FEED_SIZE).prefetch_related(
            Prefetch("work_fields", queryset=WorkField.objects.order_by("position", "pk"))
        )

    def item_title(self, item: Practice) -> str:
        return item.title

    def item_description(self, item: Practice) -> str:
        return item.summary

    def item_link(self, item: Practice) -> str:
        return _in_language(reverse("practices:public_detail", args=[item.pk]))

    def item_pubdate(self, item: Practice) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Practice) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Practice) -> list[str]:
        return [str(item.get_kind_display()), *(f.name for f in item.work_fields.all())]
