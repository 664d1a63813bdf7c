"""Preset award catalogs, as versioned data: Vietnam, Chinese trade unions, and a generic set.

``manage.py load_award_presets [--preset vn|cn|generic]`` writes them with :func:`load`.
Loading is idempotent: awards are found by code, rules by their start date and legal
references by citation and start date; what changed is updated, nothing is duplicated,
and each award written gets one audit entry. Rules and references not in the preset (added
by a deployment) are left alone.

Sources. The Vietnamese presets follow the Law on Emulation and Commendation No.
06/2022/QH15 (in force from 1 January 2024) and Decree 98/2023/ND-CP as the authors
understood them; the Chinese ones follow the ACFTU's selection rules for the May 1 awards
and Worker Pioneer, and the national and local model-worker rules, as understood. None
of the citations, dates or quotas was checked against the official text: every legal
reference is ``confirmed=False`` with a note saying what to check. Where a legal condition
cannot be expressed with the rule primitives (a share of members holding a title, an
accepted initiative, ...), the rule's description says the committee checks it.

``VERSION`` changes whenever the data changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from pacesetter.audit.services import audit_record, diff, snapshot

from . import eligibility
from .models import Award, AwardLevel, EligibilityRule, LegalReference, RecipientKind

VERSION = "2025.1"

UNCHECKED = "Not checked against the official text (prepared offline)."


@dataclass(frozen=True)
class Reference:
    citation: str
    valid_from: date
    valid_to: date | None = None
    note: str = UNCHECKED
    confirmed: bool = False


@dataclass(frozen=True)
class Rule:
    valid_from: date
    rule: dict[str, Any]
    description: str = ""
    valid_to: date | None = None


@dataclass(frozen=True)
class AwardPreset:
    code: str
    name: str
    name_vi: str
    name_zh: str
    level: str
    recipient_kind: str
    issuer: str
    rules: tuple[Rule, ...] = ()
    references: tuple[Reference, ...] = ()
    quota_count: int | None = None
    quota_percent: Decimal | None = None


# --- rule building blocks -------------------------------------------------------------


def all_of(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"all": list(rules)}


def any_of(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"any": list(rules)}


NO_VETO: dict[str, Any] = {"no_veto": {}}
UNUSED: dict[str, Any] = {"achievement_unused": {}}


def rank_at_most(rank: int) -> dict[str, Any]:
    return {"rank_at_most": {"rank": rank}}


def percentage_at_least(percent: int) -> dict[str, Any]:
    return {"percentage_at_least": {"percent": percent}}


def held_each_year(award: str, years: int) -> dict[str, Any]:
    return {"held_each_year": {"award": award, "years": years}}


def held_at_least(awards: list[str], times: int, years: int) -> dict[str, Any]:
    return {"held_at_least": {"awards": awards, "times": times, "years": years}}


def not_awarded_within(award: str, years: int) -> dict[str, Any]:
    return {"not_awarded_within": {"award": award, "years": years}}


def service_at_least(years: int) -> dict[str, Any]:
    return {"years_of_service_at_least": {"years": years}}


# --- Vietnam --------------------------------------------------------------------------

VN_LAW_2022 = date(2024, 1, 1)  # Law 06/2022/QH15 and Decree 98/2023/ND-CP in force
VN_OLD_FROM = date(2017, 10, 1)  # Decree 91/2017/ND-CP under the 2003 law as amended
VN_OLD_TO = date(2023, 12, 31)

LAW_2022 = "Law on Emulation and Commendation No. 06/2022/QH15 (Luật Thi đua, khen thưởng)"
DECREE_98 = "Decree No. 98/2023/ND-CP detailing the Law on Emulation and Commendation"
LAW_2003 = (
    "Law on Emulation and Commendation No. 15/2003/QH11, amended by Laws "
    "No. 47/2005/QH11 and No. 39/2013/QH13"
)
DECREE_91 = "Decree No. 91/2017/ND-CP detailing the Law on Emulation and Commendation"


def _vn_refs(article: str, *, quota_note: str = "", old: str = "") -> tuple[Reference, ...]:
    refs = [
        Reference(
            f"{LAW_2022}, {article}",
            VN_LAW_2022,
            note=f"{UNCHECKED} Article number and in-force date to be checked.",
        ),
        Reference(
            f"{DECREE_98} (standards and quotas)",
            VN_LAW_2022,
            note=f"{UNCHECKED} {quota_note}".strip(),
        ),
    ]
    if old:
        refs.append(
            Reference(
                f"{LAW_2003}; {DECREE_91}, {old}",
                VN_OLD_FROM,
                VN_OLD_TO,
                note=f"{UNCHECKED} Earlier rules, kept for decisions dated before 2024.",
            )
        )
    return tuple(refs)


VIETNAM: tuple[AwardPreset, ...] = (
    AwardPreset(
        code="vn-government-flag",
        name="Government Emulation Flag",
        name_vi="Cờ thi đua của Chính phủ",
        name_zh="政府竞赛旗",
        level=AwardLevel.NATIONAL,
        recipient_kind=RecipientKind.UNIT,
        issuer="The Prime Minister",
        rules=(
            Rule(
                VN_LAW_2022,
                all_of(held_each_year("vn-provincial-flag", 1), NO_VETO),
                "Chosen among the collectives that received a provincial (ministerial) "
                "Emulation Flag for the year; the committee checks that the collective is "
                "the most outstanding among them.",
            ),
        ),
        references=_vn_refs(
            "article on the Government Emulation Flag",
            quota_note="Quota not recorded: the share of flag holders that may be proposed "
            "was not checked.",
        ),
    ),
    AwardPreset(
        code="vn-provincial-flag",
        name="Provincial Emulation Flag",
        name_vi="Cờ thi đua cấp tỉnh",
        name_zh="省级竞赛旗",
        level=AwardLevel.PROVINCIAL,
        recipient_kind=RecipientKind.UNIT,
        issuer="Chairman of the Provincial People's Committee",
        quota_count=1,
        rules=(
            Rule(
                VN_OLD_FROM,
                all_of(rank_at_most(1), NO_VETO),
                "The unit leading its emulation cluster, with no veto criterion breached.",
                valid_to=VN_OLD_TO,
            ),
            Rule(
                VN_LAW_2022,
                all_of(rank_at_most(1), NO_VETO, UNUSED),
                "The unit leading its emulation cluster, with no veto criterion breached; "
                "the achievement may not back another commendation as well. The committee "
                "checks the other standards (targets exceeded, a new model for others).",
            ),
        ),
        references=_vn_refs(
            "article on the Emulation Flag of ministries, sectors and provinces",
            quota_note="Quota “the best unit of each cluster” (quota 1) is local practice; "
            "check the decree's limit on the number of flags.",
            old="article on the provincial Emulation Flag",
        ),
    ),
    AwardPreset(
        code="vn-certificate-of-merit",
        name="Certificate of Merit of the Chairman of the Provincial People's Committee",
        name_vi="Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        name_zh="省人民委员会主席奖状",
        level=AwardLevel.PROVINCIAL,
        recipient_kind=RecipientKind.UNIT,
        issuer="Chairman of the Provincial People's Committee",
        quota_percent=Decimal("20"),
        rules=(
            Rule(
                VN_LAW_2022,
                all_of(percentage_at_least(90), NO_VETO, UNUSED),
                "Outstanding results in the emulation movement (score at least 90% here), no "
                "veto, and one achievement backs one commendation only. The committee checks "
                "the two consecutive years of excellent task completion.",
            ),
        ),
        references=_vn_refs(
            "article on the Certificate of Merit of ministries, sectors and provinces",
            quota_note="Quota 20% of a cluster is an example, not a legal figure; check it.",
        ),
    ),
    AwardPreset(
        code="vn-excellent-collective",
        name="Excellent Labour Collective",
        name_vi="Tập thể lao động xuất sắc",
        name_zh="优秀劳动集体",
        level=AwardLevel.PROVINCIAL,
        recipient_kind=RecipientKind.UNIT,
        issuer="Chairman of the Provincial People's Committee",
        rules=(
            Rule(
                VN_LAW_2022,
                all_of(percentage_at_least(90), NO_VETO),
                "Tasks completed excellently (score at least 90% here), no veto. The "
                "committee checks the members' titles (all complete their tasks, most are "
                "Advanced Labourers, one is a grassroots Emulation Fighter) and that no "
                "member was disciplined.",
            ),
        ),
        references=_vn_refs(
            "article on the Excellent Labour Collective title",
            quota_note="The decree limits the share of collectives; the figure was not "
            "checked, so no quota is recorded.",
        ),
    ),
    AwardPreset(
        code="vn-advanced-collective",
        name="Advanced Labour Collective",
        name_vi="Tập thể lao động tiên tiến",
        name_zh="先进劳动集体",
        level=AwardLevel.GRASSROOTS,
        recipient_kind=RecipientKind.UNIT,
        issuer="Head of the agency or unit",
        rules=(
            Rule(
                VN_LAW_2022,
                all_of(percentage_at_least(70), NO_VETO),
                "Tasks completed well (score at least 70% here; a local threshold), no veto. "
                "The committee checks the share of members who are Advanced Labourers.",
            ),
        ),
        references=_vn_refs("article on the Advanced Labour Collective title"),
    ),
    AwardPreset(
        code="vn-grassroots-fighter",
        name="Emulation Fighter at grassroots level",
        name_vi="Chiến sĩ thi đua cơ sở",
        name_zh="基层竞赛战士",
        level=AwardLevel.GRASSROOTS,
        recipient_kind=RecipientKind.PERSON,
        issuer="Head of the agency or unit",
        rules=(
            Rule(
                VN_LAW_2022,
                all_of(service_at_least(1), UNUSED),
                "A full year of service and an initiative (the achievement) that backs no "
                "other award. The committee checks the Advanced Labourer title and that the "
                "initiative was recognised.",
            ),
        ),
        references=_vn_refs(
            "article on the grassroots Emulation Fighter title",
            quota_note="The decree caps the share of Advanced Labourers who may receive it "
            "(about 15% as remembered); not a share of a cluster, so no quota is recorded.",
        ),
    ),
    AwardPreset(
        code="vn-provincial-fighter",
        name="Provincial Emulation Fighter",
        name_vi="Chiến sĩ thi đua cấp tỉnh",
        name_zh="省级竞赛战士",
        level=AwardLevel.PROVINCIAL,
        recipient_kind=RecipientKind.PERSON,
        issuer="Chairman of the Provincial People's Committee",
        rules=(
            Rule(
                VN_LAW_2022,
                all_of(held_each_year("vn-grassroots-fighter", 3), UNUSED),
                "Grassroots Emulation Fighter in each of the last three years, with an "
                "achievement that backs no other award. The committee checks the "
                "provincial-level initiative or research.",
            ),
        ),
        references=_vn_refs("article on the provincial Emulation Fighter title"),
    ),
)


# --- Chinese trade unions -------------------------------------------------------------

ACFTU = "All-China Federation of Trade Unions (中华全国总工会)"
CN_FROM = date(2016, 1, 1)
ACFTU_MAY1 = Reference(
    "ACFTU: Measures for the selection of the National May 1 Labour Award, the National "
    "May 1 Labour Medal and the National Worker Pioneer "
    "(全国五一劳动奖状、全国五一劳动奖章和全国工人先锋号评选管理工作办法)",
    CN_FROM,
    note=f"{UNCHECKED} Title, edition and start date to be checked; the repeat-award "
    "interval in the rules is an assumption.",
)


CHINA: tuple[AwardPreset, ...] = (
    AwardPreset(
        code="cn-may1-award",
        name="National May 1 Labour Award",
        name_vi="Bằng khen Lao động Ngày 1 tháng 5 toàn quốc",
        name_zh="全国五一劳动奖状",
        level=AwardLevel.NATIONAL,
        recipient_kind=RecipientKind.UNIT,
        issuer=ACFTU,
        rules=(
            Rule(
                CN_FROM,
                all_of(NO_VETO, not_awarded_within("cn-may1-award", 5), UNUSED),
                "No veto (e.g. a serious safety accident), not received within five years, "
                "and an achievement that backs no other award.",
            ),
        ),
        references=(ACFTU_MAY1,),
    ),
    AwardPreset(
        code="cn-may1-medal",
        name="National May 1 Labour Medal",
        name_vi="Huy chương Lao động Ngày 1 tháng 5 toàn quốc",
        name_zh="全国五一劳动奖章",
        level=AwardLevel.NATIONAL,
        recipient_kind=RecipientKind.PERSON,
        issuer=ACFTU,
        rules=(
            Rule(
                CN_FROM,
                all_of(not_awarded_within("cn-may1-medal", 5), UNUSED),
                "Not received within five years; the achievement backs no other award.",
            ),
        ),
        references=(ACFTU_MAY1,),
    ),
    AwardPreset(
        code="cn-worker-pioneer",
        name="National Worker Pioneer",
        name_vi="Tập thể Tiên phong công nhân toàn quốc",
        name_zh="全国工人先锋号",
        level=AwardLevel.NATIONAL,
        recipient_kind=RecipientKind.UNIT,
        issuer=ACFTU,
        rules=(
            Rule(
                CN_FROM,
                all_of(NO_VETO, not_awarded_within("cn-worker-pioneer", 3), UNUSED),
                "Given to teams and work groups (recorded as units): no veto, not received "
                "within three years, an achievement that backs no other award.",
            ),
        ),
        references=(ACFTU_MAY1,),
    ),
    AwardPreset(
        code="cn-model-worker-national",
        name="National model worker",
        name_vi="Lao động kiểu mẫu toàn quốc",
        name_zh="全国劳动模范",
        level=AwardLevel.NATIONAL,
        recipient_kind=RecipientKind.PERSON,
        issuer="State Council of the People's Republic of China (国务院)",
        rules=(
            Rule(
                CN_FROM,
                all_of(
                    held_at_least(["cn-model-worker-provincial", "cn-may1-medal"], 1, 10),
                    UNUSED,
                ),
                "Usually chosen among provincial model workers and May 1 Medal holders "
                "(one of them within ten years); the achievement backs no other award.",
            ),
        ),
        references=(
            Reference(
                "Implementing measures for the selection and commendation of national model "
                "workers and advanced workers (全国劳动模范和先进工作者评选表彰工作实施办法), "
                "issued for each five-yearly commendation",
                CN_FROM,
                note=f"{UNCHECKED} Issued anew for each commendation; the prior-honour "
                "condition is an assumption.",
            ),
        ),
    ),
    AwardPreset(
        code="cn-model-worker-provincial",
        name="Provincial model worker",
        name_vi="Lao động kiểu mẫu cấp tỉnh",
        name_zh="省劳动模范",
        level=AwardLevel.PROVINCIAL,
        recipient_kind=RecipientKind.PERSON,
        issuer="Provincial People's Government (省人民政府)",
        rules=(
            Rule(
                CN_FROM,
                all_of(not_awarded_within("cn-model-worker-provincial", 5), UNUSED),
                "Not named provincial model worker within five years; the achievement backs "
                "no other award.",
            ),
        ),
        references=(
            Reference(
                "The province's regulation on the selection of model workers "
                "(省劳动模范评选管理办法)",
                CN_FROM,
                note=f"{UNCHECKED} Each province has its own regulation; cite it here.",
            ),
        ),
    ),
    AwardPreset(
        code="cn-model-worker-municipal",
        name="Municipal model worker",
        name_vi="Lao động kiểu mẫu cấp thành phố",
        name_zh="市劳动模范",
        level=AwardLevel.DISTRICT,
        recipient_kind=RecipientKind.PERSON,
        issuer="Municipal People's Government (市人民政府)",
        rules=(
            Rule(
                CN_FROM,
                all_of(service_at_least(3), UNUSED),
                "At least three years of service; the achievement backs no other award.",
            ),
        ),
        references=(
            Reference(
                "The city's regulation on the selection of model workers (市劳动模范评选办法)",
                CN_FROM,
                note=f"{UNCHECKED} Each city has its own regulation; the service condition is "
                "an assumption. Recorded at district level (there is no municipal level).",
            ),
        ),
    ),
    AwardPreset(
        code="cn-innovation-studio",
        name="Model-worker innovation studio",
        name_vi="Phòng sáng tạo của lao động kiểu mẫu",
        name_zh="劳模创新工作室",
        level=AwardLevel.PROVINCIAL,
        recipient_kind=RecipientKind.UNIT,
        issuer="Provincial Federation of Trade Unions (省总工会)",
        rules=(
            Rule(
                CN_FROM,
                all_of(NO_VETO, UNUSED),
                "No veto; the achievement backs no other award. The committee checks that "
                "the studio is led by a model worker.",
            ),
        ),
        references=(
            Reference(
                "ACFTU opinions on building model-worker and craftsman innovation studios "
                "(关于深入推进劳模和工匠人才创新工作室建设的意见) and the provincial "
                "federation's implementing rules",
                CN_FROM,
                note=f"{UNCHECKED} Title and start date to be checked.",
            ),
        ),
    ),
)


# --- generic --------------------------------------------------------------------------

GENERIC_FROM = date(2020, 1, 1)
OWN_REGULATION = Reference(
    "The organizing unit's own emulation and commendation regulation",
    GENERIC_FROM,
    note="A placeholder: cite your own regulation and its date.",
)

GENERIC: tuple[AwardPreset, ...] = (
    AwardPreset(
        code="gen-advanced-unit",
        name="Advanced unit",
        name_vi="Đơn vị tiên tiến",
        name_zh="先进单位",
        level=AwardLevel.GRASSROOTS,
        recipient_kind=RecipientKind.UNIT,
        issuer="The organizing committee",
        quota_percent=Decimal("30"),
        rules=(
            Rule(
                GENERIC_FROM,
                all_of(percentage_at_least(80), NO_VETO),
                "Score at least 80% and no veto.",
            ),
        ),
        references=(OWN_REGULATION,),
    ),
    AwardPreset(
        code="gen-outstanding-individual",
        name="Outstanding individual",
        name_vi="Cá nhân xuất sắc",
        name_zh="优秀个人",
        level=AwardLevel.GRASSROOTS,
        recipient_kind=RecipientKind.PERSON,
        issuer="The organizing committee",
        rules=(
            Rule(
                GENERIC_FROM,
                all_of(service_at_least(1), UNUSED),
                "At least a year of service; the achievement backs no other award.",
            ),
        ),
        references=(OWN_REGULATION,),
    ),
    AwardPreset(
        code="gen-best-progress",
        name="Best progress",
        name_vi="Tiến bộ vượt bậc",
        name_zh="进步最快奖",
        level=AwardLevel.GRASSROOTS,
        recipient_kind=RecipientKind.UNIT,
        issuer="The organizing committee",
        quota_count=1,
        rules=(
            Rule(
                GENERIC_FROM,
                all_of(NO_VETO, not_awarded_within("gen-best-progress", 2)),
                "No veto and not received in the last two years.",
            ),
        ),
        references=(OWN_REGULATION,),
    ),
)

PRESETS: dict[str, tuple[AwardPreset, ...]] = {"vn": VIETNAM, "cn": CHINA, "generic": GENERIC}


# --- loading --------------------------------------------------------------------------

AWARD_FIELDS = (
    "preset",
    "name",
    "name_vi",
    "name_zh",
    "level",
    "recipient_kind",
    "issuer",
    "quota_count",
    "quota_percent",
    "position",
)


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def check(presets: dict[str, tuple[AwardPreset, ...]] | None = None) -> None:
    """Raise ValidationError naming the award when a preset rule is malformed."""
    for items in (presets or PRESETS).values():
        for item in items:
            for rule in item.rules:
                try:
                    eligibility.validate(rule.rule)
                except ValidationError as exc:
                    raise ValidationError(
                        f"{item.code} (from {rule.valid_from}): {'; '.join(exc.messages)}"
                    ) from exc


def _load_award(item: AwardPreset, preset: str, position: int) -> tuple[Award, dict[str, Any]]:
    values: dict[str, Any] = {
        "preset": preset,
        "name": item.name,
        "name_vi": item.name_vi,
        "name_zh": item.name_zh,
        "level": str(item.level),
        "recipient_kind": str(item.recipient_kind),
        "issuer": item.issuer,
        "quota_count": item.quota_count,
        "quota_percent": None
        if item.quota_percent is None
        else item.quota_percent.quantize(Decimal("0.01")),
        "position": position,
    }
    award = Award.objects.select_for_update().filter(code=item.code).first()
    before = snapshot(award, AWARD_FIELDS) if award else {}
    if award is None:
        award = Award(code=item.code, **values)
    else:
        for name, value in values.items():
            setattr(award, name, value)
    award.full_clean()
    award.save()
    changes: dict[str, Any] = diff(before, snapshot(award, AWARD_FIELDS))

    rules = {r.valid_from: r for r in award.rules.all()}
    for rule in item.rules:
        wanted: dict[str, Any] = {
            "valid_to": rule.valid_to,
            "rule": rule.rule,
            "description": rule.description,
        }
        stored = rules.get(rule.valid_from)
        if stored is None:
            stored = EligibilityRule(award=award, valid_from=rule.valid_from, **wanted)
            old = None
        else:
            old = {"valid_to": stored.valid_to, "rule": stored.rule}
            if all(getattr(stored, k) == v for k, v in wanted.items()):
                continue
            for name, value in wanted.items():
                setattr(stored, name, value)
        stored.full_clean()
        stored.save()
        changes[f"rule {rule.valid_from}"] = [old, {"valid_to": rule.valid_to, "rule": rule.rule}]

    references = {(r.citation, r.valid_from): r for r in award.legal_references.all()}
    for reference in item.references:
        facts: dict[str, Any] = {
            "valid_to": reference.valid_to,
            "confirmed": reference.confirmed,
            "note": reference.note,
        }
        ref = references.get((reference.citation, reference.valid_from))
        if ref is None:
            ref = LegalReference(
                award=award, citation=reference.citation, valid_from=reference.valid_from
            )
            old = None
        elif all(getattr(ref, k) == v for k, v in facts.items()):
            continue
        else:
            old = {k: getattr(ref, k) for k in facts}
        for name, value in facts.items():
            setattr(ref, name, value)
        ref.full_clean()
        ref.save()
        changes[f"reference {reference.citation[:60]} {reference.valid_from}"] = [old, facts]
    return award, changes


def load(
    names: list[str] | None = None, *, actor: Any = None, presets: dict[str, Any] | None = None
) -> LoadResult:
    """Write the presets ``names`` (all when None) in one transaction; idempotent."""
    catalog = presets or PRESETS
    names = list(catalog) if names is None else names
    unknown = [n for n in names if n not in catalog]
    if unknown:
        raise ValidationError(f"Unknown preset: {', '.join(unknown)}.")
    check({n: catalog[n] for n in names})
    result = LoadResult()
    with transaction.atomic():
        for name in names:
            for position, item in enumerate(catalog[name]):
                existed = Award.objects.filter(code=item.code).exists()
                award, changes = _load_award(item, name, position)
                if not changes:
                    result.unchanged.append(award.code)
                    continue
                (result.updated if existed else result.created).append(award.code)
                audit_record(
                    actor=actor,
                    action="award.preset_load",
                    target=award,
                    changes={**changes, "preset_version": [None, f"{name} {VERSION}"]},
                )
    return result
