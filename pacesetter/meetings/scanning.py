"""Reading the check-in code from a photo of an invitation's QR code (the door's camera).

The one place that knows the decoder: ``zxing-cpp`` (the maintained C++ port of ZXing,
with manylinux wheels), given a Pillow image. The image is bounded before it is decoded:
its bytes (``SCAN_MAX_BYTES``), its pixels (Pillow's decompression-bomb limit, lowered
here) and its size (shrunk to ``SCAN_MAX_SIDE`` on the longer side: a phone photo of a
printed QR code still reads at that size, in a fraction of the time).
"""

from __future__ import annotations

import warnings
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

#: A photo from a phone camera is a few megabytes; a preview frame a few dozen kilobytes.
SCAN_MAX_BYTES = 12 * 1024 * 1024
#: At most this many pixels are opened (a 48-megapixel photo), beyond: refused.
SCAN_MAX_PIXELS = 48_000_000
#: The longer side the image is shrunk to before decoding.
SCAN_MAX_SIDE = 1600


def _decode(image: Image.Image) -> list[str]:
    import zxingcpp  # the decoder's import stays here, in the adapter

    found = zxingcpp.read_barcodes(image)
    return [barcode.text for barcode in found if barcode.text]


def codes_in_image(upload: Any) -> list[str]:
    """The texts of the QR codes (and other barcodes) in an uploaded image, in the
    order the decoder found them. Raises ``ValidationError`` with a translated message
    and a code: ``file_too_large``, ``not_an_image``, ``no_code``."""
    size = getattr(upload, "size", None)
    if size is not None and size > SCAN_MAX_BYTES:
        raise ValidationError(
            _("The photo is too large (at most %(mb)s MB).")
            % {"mb": SCAN_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(upload)
            if opened.width * opened.height > SCAN_MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            # JPEG can decode at a reduced scale at once: cheaper than shrinking after.
            opened.draft("L", (SCAN_MAX_SIDE, SCAN_MAX_SIDE))
            image = opened.convert("L")
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
    ) as exc:
        raise ValidationError(
            _("This file is not a photo that can be read; take a photo of the QR code."),
            code="not_an_image",
        ) from exc
    image.thumbnail((SCAN_MAX_SIDE, SCAN_MAX_SIDE))
    codes = _decode(image)
    if not codes:
        raise ValidationError(
            _(
                "No QR code was found in the photo. Hold the invitation's QR code flat and "
                "close to the camera, or type the code."
            ),
            code="no_code",
        )
    return codes
