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
