"""Content in several languages: one column per language, a source language per record.

The design is in docs/translations.md. A translatable field is declared once::

    class Unit(models.Model):
        source_language = SourceLanguageField()
        name = TranslatedText(models.CharField(_("name"), max_length=255), required=True)
        search_key = SearchKeyField()
        search_fields = ("code", "name")

        class Meta:
            constraints = [source_text_present("unit", "name")]

and becomes the columns ``name_en``, ``name_vi`` and ``name_zh_hans``
(django-translated-fields). Reading ``unit.name`` gives the value in the active language,
or the value in the record's source language where that one is empty. Writing
``unit.name`` is refused: a write names its languages (:func:`expand`).
In SQL the same rule is :func:`tr` (and :func:`ordered` to sort by it); a search goes
through the folded ``search_key`` (:func:`matching`).

This module imports no app of the project.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from functools import reduce
from operator import or_
from typing import Annotated, Any, Literal, Union, overload

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.functional import lazy
from django.utils.translation import get_language, get_supported_language_variant, gettext_lazy
from django.utils.translation import gettext as _
from translated_fields import TranslatedField, to_attribute

from .errors import FieldRuleError

#: The languages content is kept in; the first is the default source. A fourth language
#: is a migration of every translatable table, so the list is fixed here, not read from
#: settings.LANGUAGES (a test checks that the two agree).
CONTENT_LANGUAGES: tuple[str, ...] = ("en", "vi", "zh-hans")
Language = Literal["en", "vi", "zh-hans"]
#: Recorded values of one field, by language (a missing key: not translated).
Text = Mapping[str, str]

LANGUAGE_CHOICES = [
    ("en", gettext_lazy("English")),
    ("vi", gettext_lazy("Vietnamese")),
    ("zh-hans", gettext_lazy("Simplified Chinese")),
]
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)

#: ICU collations of PostgreSQL (Debian's build has them) for sorting shown values.
COLLATIONS = {"en": "en-x-icu", "vi": "vi-x-icu", "zh-hans": "zh-x-icu"}


def column(name: str, language: str) -> str:
    """The column of ``name`` in ``language``: ``name_zh_hans``."""
    return str(to_attribute(name, language))


def content_language(language: str | None = None) -> str:
    """``language`` (else the active one) as a content language: ``zh-CN`` -> ``zh-hans``,
    ``vi-VN`` -> ``vi``; English where none fits."""
    code = language or get_language() or settings.LANGUAGE_CODE
    try:
        code = get_supported_language_variant(code)
    except LookupError:
        return CONTENT_LANGUAGES[0]
    return code if code in CONTENT_LANGUAGES else CONTENT_LANGUAGES[0]


def is_content_language(code: str) -> bool:
    try:
        return get_supported_language_variant(code) in CONTENT_LANGUAGES
    except LookupError:
        return False


# --- fields ---------------------------------------------------------------------------


def _getter(name: str, field: TranslatedField) -> Any:
    def get(obj: Any) -> str:
        value = getattr(obj, column(name, content_language()))
        if value:
            return str(value)
        source = getattr(obj, "source_language", "") or CONTENT_LANGUAGES[0]
        if source not in CONTENT_LANGUAGES:
            return ""
        return str(getattr(obj, column(name, source)) or "")

    return get


def _setter(name: str, field: TranslatedField) -> Any:
    def refuse(obj: Any, value: Any) -> None:
        raise TypeError(
            f"{name} is kept per language: set {', '.join(field.fields)} "
            "(core.translations.expand turns a text into them)"
        )

    return refuse


def _label(verbose_name: Any, language: str) -> Any:
    return lazy(lambda: f"{verbose_name} ({LANGUAGE_NAMES[language]})", str)()


class TranslatedText(TranslatedField):
    """A text field kept in every content language (columns ``<name>_<language>``,
    blank and empty by default). ``required``: the source language's value must be given
    (:func:`source_text_present` holds it in the database, :func:`check_source_text` in
    ``clean``)."""

    def __init__(self, field: models.Field[Any, Any], *, required: bool = False) -> None:
        field.blank = True
        field.default = ""
        super().__init__(field, languages=CONTENT_LANGUAGES, attrgetter=_getter, attrsetter=_setter)
        self.required = required

    @overload
    def __get__(self, obj: None, objtype: Any = None) -> TranslatedText: ...
    @overload
    def __get__(self, obj: models.Model, objtype: Any = None) -> str: ...
    def __get__(self, obj: models.Model | None, objtype: Any = None) -> Any:
        return super().__get__(obj, objtype)

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        verbose_name = self._field.verbose_name or name
        super().contribute_to_class(cls, name)
        self.name = name
        for language in CONTENT_LANGUAGES:
            translated_column = cls._meta.get_field(column(name, language))
            translated_column.verbose_name = _label(verbose_name, language)  # type: ignore[union-attr]
        # Own dict per class, so that models do not share their list.
        translated = dict(cls.__dict__.get("translated_fields", {}))
        translated[name] = self
        cls.translated_fields = translated  # type: ignore[attr-defined]


class SourceLanguageField(models.CharField):
    """The language a record's texts were written in; the fallback of every other."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", gettext_lazy("source language"))
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("choices", LANGUAGE_CHOICES)
        kwargs.setdefault("default", CONTENT_LANGUAGES[0])
        super().__init__(*args, **kwargs)


class SearchKeyField(models.TextField):
    """The folded texts of a record's ``search_fields`` in every language (see fold)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", gettext_lazy("search key"))
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)


def translated_names(model: type[models.Model] | models.Model) -> tuple[str, ...]:
    return tuple(getattr(model, "translated_fields", {}))


def fields_of(*names: str) -> tuple[str, ...]:
    """The columns of ``names`` (for forms' and services' field lists)."""
    return tuple(column(name, language) for name in names for language in CONTENT_LANGUAGES)


# --- values ---------------------------------------------------------------------------


def values(obj: Any, name: str) -> dict[str, str]:
    """The recorded values of ``name``, by language (empty ones left out)."""
    found = {lang: getattr(obj, column(name, lang)) for lang in CONTENT_LANGUAGES}
    return {lang: str(text) for lang, text in found.items() if text}


def translations(obj: Any) -> dict[str, dict[str, str]]:
    """Every translatable field's recorded values (for the API)."""
    return {name: values(obj, name) for name in translated_names(type(obj))}


def resolved(obj: Any, name: str, language: str | None = None) -> tuple[str, str]:
    """The shown value of ``name`` and the language it is in (a fallback's is the source)."""
    lang = content_language(language)
    value = getattr(obj, column(name, lang))
    if value:
        return str(value), lang
    source = obj.source_language
    return str(getattr(obj, column(name, source)) or ""), source


def expand(
    model: type[models.Model] | models.Model, fields: Mapping[str, Any], *, source: str
) -> dict[str, Any]:
    """``fields`` with each translatable field replaced by its columns: a text is the
    value in ``source`` (the record's source language), a mapping gives values by
    language (a language left out is kept, ``""`` clears it). Other names pass through."""
    translated = translated_names(model)
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in translated:
            out[key] = value
            continue
        if value is None:
            continue
        if isinstance(value, str):
            out[column(key, source)] = value
            continue
        for language, text in value.items():
            if language not in CONTENT_LANGUAGES:
                raise FieldRuleError(
                    key,
                    _("“%(language)s” is not a content language (%(known)s).")
                    % {"language": language, "known": ", ".join(CONTENT_LANGUAGES)},
                    code="language",
                )
            out[column(key, language)] = text or ""
    return out


def check_source_text(obj: Any) -> None:
    """Each required translatable field has a value in the record's source language (for
    ``Model.clean``; the error is on the source language's column)."""
    source = obj.source_language
    if source not in CONTENT_LANGUAGES:
        raise FieldRuleError(
            "source_language", _("Choose one of the content languages."), code="language"
        )
    errors = {}
    for name, field in getattr(type(obj), "translated_fields", {}).items():
        if field.required and not getattr(obj, column(name, source)):
            errors[column(name, source)] = ValidationError(
                _("%(field)s is required in the source language (%(language)s).")
                % {
                    "field": str(field._field.verbose_name).capitalize(),
                    "language": LANGUAGE_NAMES[source],
                },
                code="required",
            )
    if errors:
        raise ValidationError(errors)


# --- SQL ------------------------------------------------------------------------------


def _split(path: str) -> tuple[str, str]:
    prefix, _sep, name = path.rpartition("__")
    return (f"{prefix}__" if prefix else ""), name


def tr(path: str, language: str | None = None) -> Coalesce:
    """The shown value of ``path`` (``"name"``, ``"unit__name"``) in SQL: the active
    language's column unless empty, else the source language's."""
    prefix, name = _split(path)
    lang = content_language(language)
    source = Case(
        *[
            When(**{f"{prefix}source_language": code}, then=F(prefix + column(name, code)))
            for code in CONTENT_LANGUAGES
        ],
        default=Value(""),
        output_field=models.TextField(),
    )
    return Coalesce(
        NullIf(F(prefix + column(name, lang)), Value("")), source, output_field=models.TextField()
    )


def tr_sql(alias: str, name: str, language: str | None = None) -> str:
    """:func:`tr` as SQL text for a raw query, on the table ``alias`` (column names
    only: nothing of the user's goes in)."""
    lang = content_language(language)
    cases = " ".join(
        f"WHEN '{code}' THEN {alias}.{column(name, code)}" for code in CONTENT_LANGUAGES
    )
    return (
        f"COALESCE(NULLIF({alias}.{column(name, lang)}, ''), "
        f"CASE {alias}.source_language {cases} ELSE '' END)"
    )


class Collated(Func):
    """An expression sorted by a language's rules on PostgreSQL (ICU); as is elsewhere."""

    template = "%(expressions)s"
    output_field = models.TextField()

    def __init__(self, expression: Any, language: str) -> None:
        super().__init__(expression)
        self.language = language

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f'({sql}) COLLATE "{COLLATIONS[self.language]}"', params


def ordered(path: str, language: str | None = None) -> Collated:
    """:func:`tr` for ``order_by``, in the language's alphabetical order on PostgreSQL
    (SQLite orders by code point)."""
    lang = content_language(language)
    return Collated(tr(path, lang), lang)


# --- constraints ----------------------------------------------------------------------


def _holder(constraint_name: str) -> type[models.Model] | None:
    # Constraint names are unique in a database (Django's check models.E032), so the
    # name finds the model; a kit constraint is made before its model exists.
    from django.apps import apps

    if not apps.models_ready:  # Django compares the message while the models load
        return None
    for model in apps.get_models():
        if any(c.name == constraint_name for c in model._meta.constraints):
            return model
    return None


def _kit_message(constraint_name: str, name: str, language: str | None = None) -> str:
    model = _holder(constraint_name)
    if model is None:  # only while the models load: nobody reads it then
        return ""
    field = str(model.translated_fields[name]._field.verbose_name)  # type: ignore[attr-defined]
    model_name = str(model._meta.verbose_name)
    if language is None:
        # Translators: field is a lowercase field name ("name", "title").
        return _("Enter the %(field)s in the source language.") % {"field": field}
    # Translators: model and field are lowercase ("work plan", "name"); language "Vietnamese".
    return _("Another %(model)s already has this %(field)s in %(language)s.") % {
        "model": model_name,
        "field": field,
        "language": LANGUAGE_NAMES[language],
    }


#: The user's words for a kit constraint (the field's and model's verbose names, in the
#: active language), looked up when the message is shown.
kit_message = lazy(_kit_message, str)


def source_text_present(prefix: str, name: str) -> models.CheckConstraint:
    """The source language is a content language and ``name`` has a value in it. (Forms
    show :func:`check_source_text`'s error on the field first; this message is for a
    write that skipped ``clean``.)"""
    condition = reduce(
        or_,
        (Q(source_language=code) & ~Q(**{column(name, code): ""}) for code in CONTENT_LANGUAGES),
    )
    constraint_name = f"{prefix}_{name}_in_source"
    return models.CheckConstraint(
        condition=condition,
        name=constraint_name,
        violation_error_code="required",
        violation_error_message=kit_message(constraint_name, name),
    )


def unique_per_language(
    prefix: str, name: str, *, together: Iterable[str] = ()
) -> list[models.UniqueConstraint]:
    """``name`` unique (with ``together``) in each language where it has a value."""
    return [
        models.UniqueConstraint(
            *together,
            column(name, code),
            condition=~Q(**{column(name, code): ""}),
            name=(constraint_name := f"{prefix}_{name}_unique_{code.replace('-', '_')}"),
            violation_error_code="unique",
            violation_error_message=kit_message(constraint_name, name, code),
        )
        for code in CONTENT_LANGUAGES
    ]


def check_unique_per_language(
    obj: Any, name: str, *, together: Iterable[str] = (), message: Any = None
) -> None:
    """:func:`unique_per_language` as field errors, for ``Model.clean``: a value already
    used (with the same ``together``) is named on its language's column. One query.
    (Django would report the constraint without a field; an error on the column also
    makes ``full_clean`` skip that constraint.) ``message`` may use ``%(text)s`` and
    ``%(language)s``."""
    model = type(obj)
    wanted = {column(name, code): getattr(obj, column(name, code)) for code in CONTENT_LANGUAGES}
    wanted = {col: text for col, text in wanted.items() if text}
    if not wanted:
        return
    same: dict[str, Any] = {}
    for field_name in together:
        attname = model._meta.get_field(field_name).attname
        if getattr(obj, attname) is None:
            return
        same[attname] = getattr(obj, attname)
    others = model._default_manager.filter(**same).filter(
        reduce(or_, (Q(**{col: text}) for col, text in wanted.items()))
    )
    if obj.pk is not None:
        others = others.exclude(pk=obj.pk)
    taken = {
        col for row in others.values(*wanted) for col, text in row.items() if text == wanted[col]
    }
    if taken:
        verbose = str(model.translated_fields[name]._field.verbose_name).capitalize()
        raise ValidationError(
            {
                col: ValidationError(
                    str(message or _("%(field)s “%(text)s” is already used here in %(language)s."))
                    % {
                        "field": verbose,
                        "text": wanted[col],
                        "language": LANGUAGE_NAMES[code],
                    },
                    code="unique",
                )
                for code in CONTENT_LANGUAGES
                if (col := column(name, code)) in taken
            }
        )


# --- search ---------------------------------------------------------------------------


def fold(text: str) -> str:
    """Text as searched: accents and case dropped (``Cụm Thi Đua`` -> ``cum thi dua``),
    full-width forms as ASCII, spaces collapsed; CJK unchanged."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return " ".join(bare.casefold().split())


def search_key(obj: Any) -> str:
    """The folded ``search_fields`` of ``obj``, every language of the translatable ones,
    one per line (so that a search never matches across two fields)."""
    translated = translated_names(type(obj))
    parts: list[str] = []
    for name in getattr(type(obj), "search_fields", ()):
        texts = values(obj, name).values() if name in translated else [getattr(obj, name)]
        parts.extend(fold(str(text)) for text in texts if text)
    return "\n".join(dict.fromkeys(parts))


def refresh_search_key(obj: Any) -> None:
    """Set ``obj.search_key`` before a save (the audit helpers do it for every service)."""
    if hasattr(type(obj), "search_fields"):
        obj.search_key = search_key(obj)


def stale_search_keys(queryset: models.QuerySet[Any]) -> list[Any]:
    """The rows of ``queryset`` whose stored key is stale, each with its new key set."""
    stale = []
    for obj in queryset.iterator(chunk_size=500):
        key = search_key(obj)
        if obj.search_key != key:
            obj.search_key = key
            stale.append(obj)
    return stale


def refresh_search_keys(queryset: models.QuerySet[Any]) -> int:
    """Recompute the keys of ``queryset``'s rows (after bulk writes); how many changed."""
    stale = stale_search_keys(queryset)
    queryset.model._default_manager.bulk_update(stale, ["search_key"], batch_size=500)
    return len(stale)


def matching(queryset: models.QuerySet[Any], query: str, path: str = "") -> models.QuerySet[Any]:
    """Rows of ``queryset`` whose search key (``path``'s, for a related record) contains
    the folded ``query``, in any language."""
    folded = fold(query)
    if not folded:
        return queryset
    key = f"{path}__search_key" if path else "search_key"
    return queryset.filter(**{f"{key}__contains": folded})


# --- API ------------------------------------------------------------------------------


def text_input(max_length: int | None = None) -> Any:
    """The API type of a translatable field in input: a string (in the record's source
    language) or an object of strings by language (``{"vi": "…", "en": "…"}``); an
    unknown language is refused by validation, and OpenAPI lists the languages."""
    from pydantic import Field

    one: Any = Annotated[str, Field(max_length=max_length)] if max_length else str
    return Union[one, dict[Language, one]]  # noqa: UP007 (a runtime type)


def text_patch(max_length: int | None = None) -> Any:
    """:func:`text_input`, or null (left unchanged); languages not sent are kept."""
    return text_input(max_length) | None
