"""The base of the apps' factories (``pacesetter/<app>/tests/factories.py``)."""

from __future__ import annotations

from typing import Any

import factory


class ServiceFactory(factory.django.DjangoModelFactory):
    """A factory that builds through the app's named service, as real use does, so the
    invariants, defaults and audit entry are the service's: a subclass names it as
    ``_service = staticmethod(the_service)``; ``actor=`` (default None) is passed on."""

    class Meta:
        abstract = True

    _service: Any

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        return cls._service(actor=kwargs.pop("actor", None), **kwargs)
