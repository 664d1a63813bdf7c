import json

import pytest
from django.core.exceptions import ValidationError

from pacesetter.coverage.industries import load_classification, read_classification, shipped_files
from pacesetter.coverage.models import Industry

pytestmark = pytest.mark.django_db


def test_every_shipped_classification_loads_and_loads_again_unchanged():
    for path in shipped_files():
        count = load_classification(path)
        assert count == len(json.loads(path.read_text())["classes"])
        assert load_classification(path) == count
    manufacturing = Industry.objects.get(classification="GB/T 4754-2017", code="C")
    leather = Industry.objects.get(classification="GB/T 4754-2017", code="19")
    assert leather.parent == manufacturing
    assert manufacturing.name_zh_hans == "制造业"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"classification": "X", "source_language": "fr", "classes": []}, "source language"),
        (
            {
                "classification": "X",
                "source_language": "en",
                "classes": [{"code": "A", "name": {"en": "A"}}, {"code": "A", "name": {"en": "B"}}],
            },
            "missing or repeated",
        ),
        (
            {
                "classification": "X",
                "source_language": "en",
                "classes": [{"code": "1", "parent": "A", "name": {"en": "One"}}],
            },
            "parent",
        ),
        (
            {
                "classification": "X",
                "source_language": "zh-hans",
                "classes": [{"code": "A", "name": {"en": "A"}}],
            },
            "no name in the source language",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_the_class(tmp_path, data, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ValidationError) as caught:
        read_classification(path)
    assert "bad.json" in str(caught.value)
    assert message in str(caught.value)
