"""The document kit: .pdf (fpdf2) and .docx (python-docx) documents in the site's
languages.

PDF fonts are embedded from pinned PyPI packages (never from the system): Noto Sans for
Latin script including Vietnamese, Noto Sans CJK SC (the Simplified Chinese face of the
Noto Sans CJK collection: zh-hans glyph forms) for Chinese, as the fallback for the
characters Noto Sans lacks (:func:`pdf_with_fonts`, :func:`pdf_document`). Noto Sans
ships as a variable font; its default instance is the regular weight. Making a bold
instance with fontTools takes seconds per document, so documents emphasise with size and
colour instead.

Word documents carry their language on the Normal style, so Word picks fonts and
proofing for it (:func:`word_document`); East Asian characters use the theme's Chinese
font.
"""

from __future__ import annotations

import functools
import importlib
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from fpdf import FPDF

# key: (importable module, PyPI package, file inside the module's folder)
FONTS = {
    "latin": ("fontpkg_noto_sans", "fontpkg-noto-sans", "files/NotoSans[wdth,wght].ttf"),
    "cjk": ("noto_cjk_sans_otc", "noto-cjk-sans-otc", "NotoSansCJK-Regular.ttc"),
}
#: The face of the CJK collection that PDFs embed: Simplified Chinese glyph forms.
CJK_FACE = "Noto Sans CJK SC"

LATIN = "NotoSans"
CJK = "NotoSansCJK"


@functools.cache
def font_paths() -> dict[str, str]:
    """The font files by role ("latin", "cjk"), located through their packages.

    Raises ImproperlyConfigured naming the missing package when one is not installed.
    """
    paths = {}
    for key, (module_name, package, relative) in FONTS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"The font package {package} is not installed; "
                "install the pinned requirements (requirements.lock)."
            ) from exc
        path = Path(module.__file__ or "").parent / relative
        if not path.is_file():
            raise ImproperlyConfigured(
                f"The font package {package} does not contain {relative}; "
                "reinstall the pinned version from requirements.lock."
            )
        paths[key] = str(path)
    return paths


@functools.cache
def cjk_face_number() -> int:
    """The index of :data:`CJK_FACE` in the CJK collection, looked up by its name (the
    collection's order is the font vendor's, not a promise)."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(font_paths()["cjk"], lazy=True)
    for number, font in enumerate(collection.fonts):
        if font["name"].getDebugName(4) == CJK_FACE:
            return number
    raise ImproperlyConfigured(
        f"The font package {FONTS['cjk'][1]} holds no face named {CJK_FACE}; "
        "reinstall the pinned version from requirements.lock."
    )


def pdf_with_fonts(**kwargs: Any) -> FPDF:
    """An ``fpdf.FPDF`` with Noto Sans as the current font and Noto Sans CJK as the
    fallback for the characters it lacks, so mixed Vietnamese, Chinese and English text
    renders in one run. Both fonts are embedded as subsets."""
    paths = font_paths()
    pdf = FPDF(**kwargs)
    pdf.add_font(LATIN, fname=paths["latin"])
    pdf.add_font(CJK, fname=paths["cjk"], collection_font_number=cjk_face_number())
    # Not exact: the fallback also serves any emphasis style asked of the main font.
    pdf.set_fallback_fonts([CJK], exact_match=False)
    pdf.set_font(LATIN, size=11)
    return pdf


def document_language(language: str) -> str:
    """``language`` if it is one of the site's languages, else the default language."""
    language = (language or "").lower()
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


# --- PDF ------------------------------------------------------------------------------


def pdf_document(*, language: str, author: str, title: str, **kwargs: Any) -> FPDF:
    """:func:`pdf_with_fonts` (``kwargs`` go to ``FPDF``: orientation, format) with the
    document's language, author and title set, created by "Pacesetter"."""
    pdf = pdf_with_fonts(**kwargs)
    pdf.set_lang(language)
    pdf.set_creator("Pacesetter")
    pdf.set_author(author)
    pdf.set_title(title)
    return pdf


def pdf_bytes(pdf: FPDF) -> bytes:
    """The finished PDF's bytes."""
    return bytes(pdf.output())


# --- Word -----------------------------------------------------------------------------

#: The site's languages as Word's language tags.
WORD_LANGUAGES = {"en": "en-GB", "vi": "vi-VN", "zh-hans": "zh-CN"}


def word_language_tag(language: str) -> str:
    """Word's tag for a site language (British English for any other)."""
    return WORD_LANGUAGES.get(language, "en-GB")


def word_document(
    *, language: str, title: str, author: str, revision: int, font_size: float = 11
) -> Any:
    """A new Word document whose text is tagged as ``language`` (so Word picks fonts and
    proofing for it; East Asian characters then use the theme's Chinese font), in
    ``font_size`` points, with its title, author, language and revision set and no
    comments."""
    document = Document()
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), word_language_tag(language))
    lang.set(qn("w:eastAsia"), "zh-CN")
    document.styles["Normal"].font.size = Pt(font_size)
    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.last_modified_by = author
    properties.language = word_language_tag(language)
    properties.comments = ""
    properties.revision = revision
    return document


def docx_bytes(document: Any) -> bytes:
    """The Word document's bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Charts as images -------------------------------------------------------------------


def _image_font(text: str, size: int) -> Any:
    """Noto Sans for Latin text (Vietnamese included), Noto Sans CJK for text with any
    East Asian character (Pillow has no fallback between fonts)."""
    from PIL import ImageFont

    paths = font_paths()
    if any(ord(char) >= 0x2E80 for char in text):
        return ImageFont.truetype(paths["cjk"], size, index=cjk_face_number())
    return ImageFont.truetype(paths["latin"], size)


def bar_chart_png(
    bars: list[tuple[str, float | None, bool]],
    *,
    title: str,
    scale_max: float = 100,
    suffix: str = "%",
    width: int = 1400,
) -> bytes:
    """A horizontal bar chart as PNG bytes, for documents that cannot hold SVG (Word):
    ``bars`` are ``(label, value, muted)``; the labels beside the bars, the values at
    their ends ("—" for none), muted bars grey. Drawn at twice the size it is shown."""
    from PIL import Image, ImageDraw

    row, top, label_width, value_width = 52, 86, 500, 150
    height = top + row * max(len(bars), 1) + 20
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 20), title, fill=(29, 37, 48), font=_image_font(title, 34))
    largest = max([float(v) for _l, v, _m in bars if v is not None] + [float(scale_max)]) or 1.0
    area = width - label_width - value_width - 40
    left = 20 + label_width
    for fraction in (0.0, 0.5, 1.0):
        x = left + area * fraction
        draw.line([(x, top - 6), (x, height - 14)], fill=(217, 222, 229), width=2)
    for index, (label, value, muted) in enumerate(bars):
        y = top + index * row
        shown = label if len(label) <= 34 else label[:33].rstrip() + "…"
        draw.text((20, y + 8), shown, fill=(29, 37, 48), font=_image_font(shown, 26))
        length = max(float(value or 0), 0.0) / largest * area
        colour = (138, 148, 163) if muted else (179, 38, 30)
        if length > 0:
            draw.rectangle([(left, y + 6), (left + length, y + row - 10)], fill=colour)
        text = "—" if value is None else f"{float(value):.1f}{suffix}"
        draw.text((left + length + 10, y + 8), text, fill=(29, 37, 48), font=_image_font(text, 26))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
