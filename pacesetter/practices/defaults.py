"""The fields of work every library starts with, made by the migration (and by the tests,
which run without migrations). Staff add their own; names of existing ones are kept."""

from __future__ import annotations

from typing import Any

FIELDS: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "production",
        {"en": "Production and business", "vi": "Sản xuất, kinh doanh", "zh_hans": "生产经营"},
    ),
    (
        "innovation",
        {"en": "Technical innovation", "vi": "Đổi mới, sáng tạo kỹ thuật", "zh_hans": "技术创新"},
    ),
    (
        "skills",
        {"en": "Skills and training", "vi": "Đào tạo, nâng cao tay nghề", "zh_hans": "技能培训"},
    ),
    (
        "mentoring",
        {"en": "Master and apprentice", "vi": "Kèm cặp, truyền nghề", "zh_hans": "师带徒"},
    ),
    ("safety", {"en": "Work safety", "vi": "An toàn lao động", "zh_hans": "安全生产"}),
    ("environment", {"en": "Environment", "vi": "Môi trường", "zh_hans": "生态环境"}),
    ("party_building", {"en": "Party building", "vi": "Xây dựng Đảng", "zh_hans": "党建"}),
    ("union_work", {"en": "Trade union work", "vi": "Công tác công đoàn", "zh_hans": "工会工作"}),
    (
        "workers_welfare",
        {"en": "Workers' welfare", "vi": "Chăm lo đời sống người lao động", "zh_hans": "职工关爱"},
    ),
    (
        "community",
        {"en": "Community and charity", "vi": "An sinh xã hội, từ thiện", "zh_hans": "公益慈善"},
    ),
)


def ensure_fields(field_model: Any = None) -> None:
    """Create the shipped fields of work that are missing."""
    from pacesetter.core.translations import fold

    if field_model is None:
        from .models import WorkField as field_model
    for position, (code, names) in enumerate(FIELDS, start=1):
        field_model.objects.get_or_create(
            code=code,
            defaults={
                "position": position,
                "source_language": "en",
                "search_key": "\n".join([fold(code), *(fold(t) for t in names.values())]),
                **{f"name_{lang}": text for lang, text in names.items()},
            },
        )
