"""The fonts embedded in generated PDFs, taken from pinned PyPI packages (never from the
system): Noto Sans for Latin script including Vietnamese, Noto Sans CJK for Chinese.

Noto Sans ships as a variable font; its default instance is the regular weight. Making a
bold instance with fontTools takes seconds per document, so documents emphasise with size
and colour instead.
"""

from __future__ import annotations

import functools
import importlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF

# key: (importable module, PyPI package, file inside the module's folder)
FONTS = {
    "latin": ("fontpkg_noto_sans", "fontpkg-noto-sans", "files/NotoSans[wdth,wght].ttf"),
    "cjk": (
        "cvttf_NotoSansCJK_Regular",
        "cvttf-notosanscjk-regular",
        "NotoSansCJKtc-Regular.otf",
    ),
}

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


def pdf_with_fonts(**kwargs: Any) -> FPDF:
    """An ``fpdf.FPDF`` with Noto Sans as the current font and Noto Sans CJK as the
    fallback for the characters it lacks, so mixed Vietnamese, Chinese and English text
    renders in one run. Both fonts are embedded as subsets."""
    paths = font_paths()
    pdf = FPDF(**kwargs)
    pdf.add_font(LATIN, fname=paths["latin"])
    pdf.add_font(CJK, fname=paths["cjk"])
    # Not exact: the fallback also serves any emphasis style asked of the main font.
    pdf.set_fallback_fonts([CJK], exact_match=False)
    pdf.set_font(LATIN, size=11)
    return pdf


def document_language(language: str) -> str:
    """``language`` if it is one of the site's languages, else the default language."""
    language = (language or "").lower()
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE
