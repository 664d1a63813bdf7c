"""Every shipped language translates every string of the source.

The source is extracted afresh with ``makemessages`` (GNU gettext) in a copy of the
tree, so a string added to code or templates without a translation fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

SHIPPED = ["vi", "zh_Hans"]
LOCALE_DIR = Path(settings.BASE_DIR) / "pacesetter" / "locale"


def _catalog(language: str) -> polib.POFile:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing"
    return polib.pofile(str(path))


def _untranslated(catalog: polib.POFile) -> list[str]:
    missing = []
    for entry in catalog:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            missing.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif not entry.msgstr:
            missing.append(entry.msgid)
    return missing


@pytest.mark.parametrize("language", SHIPPED)
def test_shipped_catalog_is_complete(language):
    assert _untranslated(_catalog(language)) == []


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, set[str]]:
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext (xgettext) is needed to check translations")
        pytest.skip("GNU gettext is not installed (make test installs it)")
    work = tmp_path_factory.mktemp("extract")
    shutil.copytree(
        Path(settings.BASE_DIR) / "pacesetter",
        work / "pacesetter",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests", "testing"),
    )
    shutil.copy(Path(settings.BASE_DIR) / "manage.py", work / "manage.py")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pacesetter.settings.dev",
        "PACESETTER_VAR_DIR": str(work / "var"),
        "PYTHONPATH": str(work),
    }
    env.pop("PACESETTER_TEST_DB", None)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            *[f"-l={lang}" for lang in SHIPPED],
            "-i",
            "var/*",
            "-i",
            "conftest.py",
        ],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    result = {}
    for language in SHIPPED:
        po_path = work / "pacesetter" / "locale" / language / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(po_path))
        result[language] = {entry.msgid for entry in po if not entry.obsolete}
    return result


@pytest.mark.parametrize("language", SHIPPED)
def test_every_source_string_has_a_translation(language, extracted):
    catalog = _catalog(language)
    translated = {e.msgid for e in catalog if e.translated() and "fuzzy" not in e.flags}
    missing = sorted(extracted[language] - translated)
    assert missing == [], f"{language} lacks {len(missing)} translation(s), run `make messages`"


def test_pages_switch_language(client, world):
    client.force_login(world.users["committee_staff"])
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/"}, follow=True)
    assert response.status_code == 200
    with translation.override("vi"):
        assert translation.gettext("Units") != "Units"
        assert translation.gettext("Units") in response.content.decode()
