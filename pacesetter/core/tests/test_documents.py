"""The document kit's PDFs: the fonts they embed."""

from __future__ import annotations

import subprocess

from pacesetter.core import documents


def embedded_fonts(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    listing = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout
    # Two header lines, then one font per line; the subset prefix is "ABCDEF+".
    return [line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:]]


def test_a_chinese_pdf_embeds_the_simplified_chinese_face(tmp_path):
    pdf = documents.pdf_document(language="zh-hans", author="Pacesetter", title="会议纪要")
    pdf.add_page()
    pdf.cell(text="会议纪要：华都区 Cụm thi đua số 18")

    fonts = embedded_fonts(documents.pdf_bytes(pdf), tmp_path)

    assert fonts == ["NotoSans", "NotoSansCJKSC"]


def test_the_face_is_found_by_its_name():
    number = documents.cjk_face_number()

    from fontTools.ttLib import TTCollection

    collection = TTCollection(documents.font_paths()["cjk"], lazy=True)
    assert collection.fonts[number]["name"].getDebugName(4) == "Noto Sans CJK SC"


def test_bar_chart_png_draws_a_bar_per_value_in_latin_and_chinese_type():
    import io

    from PIL import Image

    png = documents.bar_chart_png(
        [("Đơn vị một", 80.0, False), ("第二单位", 40.0, True), ("None yet", None, False)],
        title="Xếp hạng 排名",
        width=1000,
    )
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 1000
    rgb = image.convert("RGB")
    red, grey = (179, 38, 30), (138, 148, 163)
    # Bars start at x = 520; the first (red) is twice as long as the second (grey).
    first = [x for x in range(image.width) if rgb.getpixel((x, 86 + 26)) == red]
    second = [x for x in range(image.width) if rgb.getpixel((x, 86 + 52 + 26)) == grey]
    assert first and second
    assert abs((first[-1] - first[0]) - 2 * (second[-1] - second[0])) <= 2
    # The third has no value: no bar in either colour on its row.
    third = {rgb.getpixel((x, 86 + 104 + 26)) for x in range(520, image.width)}
    assert red not in third and grey not in third
    # The Chinese label is drawn (dark pixels where it stands), not left blank.
    label = {rgb.getpixel((x, y)) for x in range(20, 140) for y in range(86 + 60, 86 + 90)}
    assert any(sum(pixel) < 200 for pixel in label)
