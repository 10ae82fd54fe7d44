"""Synthetic support: the province's partners, services of every category (loans with amounts, job placements held
for a while or still held) and referrals, most of them closed."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from typing import Any

from donghanh.core.dates import term_end
from donghanh.core.text import fold
from donghanh.reports.synthetic import DAY, SYNTHETIC_NOTE, insert, insert_values
from donghanh.reports.synthetic.people import World
from donghanh.support.choices import PartnerKind, ReferralKind, ReferralStatus, RepaymentStatus, ServiceCategory
from donghanh.support.models import Partner, Referral, ReferralEvent, ServiceRecord, ServiceType

K = PartnerKind
# (kind, name with {p} for the province's name, offers jobs, training, loans, treatment)
PARTNERS = [
    (K.BANK_BRANCH, "Ngân hàng Chính sách xã hội chi nhánh {p}", False, False, True, False),
    (K.VOCATIONAL_SCHOOL, "Trường Cao đẳng nghề {p}", False, True, False, False),
    (K.VOCATIONAL_SCHOOL, "Trung tâm Giáo dục nghề nghiệp số 1 {p}", False, True, False, False),
    (K.BUSINESS, "Công ty TNHH May mặc Hòa Bình", True, False, False, False),
    (K.BUSINESS, "Công ty CP Xây dựng Thành Công", True, False, False, False),
    (K.BUSINESS, "Hợp tác xã Dịch vụ Môi trường Xanh", True, False, False, False),
    (K.METHADONE_CLINIC, "Cơ sở điều trị Methadone số 1 {p}", False, False, False, True),
    (K.METHADONE_CLINIC, "Cơ sở điều trị Methadone số 2 {p}", False, False, False, True),
    (K.HEALTH_FACILITY, "Trung tâm Kiểm soát bệnh tật {p}", False, False, False, True),
    (K.HEALTH_FACILITY, "Bệnh viện Tâm thần {p}", False, False, False, True),
    (K.REHAB_FACILITY, "Cơ sở cai nghiện ma túy {p}", False, False, False, True),
    (K.NGO, "Trung tâm Hỗ trợ cộng đồng Vì ngày mai", True, True, False, False),
    (K.MASS_ORGANISATION, "Hội Liên hiệp Phụ nữ {p}", False, False, True, False),
]
C = ServiceCategory
CATEGORIES = [(C.TRAINING, 14), (C.EDUCATION, 4), (C.LOAN, 10), (C.JOB_REFERRAL, 10), (C.JOB_PLACEMENT, 12),
              (C.EMERGENCY_AID, 12), (C.MEDICAL, 12), (C.HEALTH_INSURANCE, 10), (C.LEGAL_AID, 5), (C.PAPERS, 6),
              (C.OTHER, 5)]  # fmt: skip
PROVIDERS = {C.TRAINING: K.VOCATIONAL_SCHOOL, C.LOAN: K.BANK_BRANCH, C.JOB_PLACEMENT: K.BUSINESS,
             C.JOB_REFERRAL: K.NGO, C.MEDICAL: K.HEALTH_FACILITY, C.LEGAL_AID: K.MASS_ORGANISATION}  # fmt: skip
R = ReferralKind
REFERRALS = {R.METHADONE: K.METHADONE_CLINIC, R.HIV_TREATMENT: K.HEALTH_FACILITY, R.MENTAL_HEALTH: K.HEALTH_FACILITY,
             R.DRUG_TEST: K.HEALTH_FACILITY, R.REHAB_FACILITY: K.REHAB_FACILITY, R.MEDICAL: K.HEALTH_FACILITY,
             R.EMPLOYMENT: K.BUSINESS, R.TRAINING: K.VOCATIONAL_SCHOOL, R.LOAN: K.BANK_BRANCH,
             R.LEGAL_AID: K.MASS_ORGANISATION, R.OTHER: K.NGO}  # fmt: skip
S = ReferralStatus
# How a referral's loop went: the statuses after "sent", each with the days it took at most, and the share.
PATHS = [([(S.ACCEPTED, 14), (S.COMPLETED, 120)], 50), ([(S.DECLINED, 20)], 15),
         ([(S.ACCEPTED, 14), (S.LOST, 180)], 15), ([(S.LOST, 60)], 7), ([(S.ACCEPTED, 14)], 8), ([], 5)]  # fmt: skip
Steps = list[tuple[str, datetime.date]]  # a referral's statuses with their dates
LOAN_PURPOSES = ["Chăn nuôi lợn", "Mở quán sửa xe máy", "Bán hàng tạp hóa", "Mua xe chở hàng", "Trồng rau sạch"]
POSITIONS = ["Công nhân may", "Phụ xây", "Nhân viên vệ sinh môi trường", "Bảo vệ", "Giao hàng", "Thợ sửa xe"]


def support_create(world: World, counts: Counter[str]) -> None:
    partners = _partners(world, counts)
    types: dict[str, list[ServiceType]] = {}
    for service_type in ServiceType.objects.filter(is_active=True).order_by("position", "code"):
        types.setdefault(service_type.category, []).append(service_type)
    insert_values(ServiceRecord, _services(world, partners, types), counts)
    referrals = list(_referrals(world, partners))
    insert(Referral, [referral for referral, _ in referrals], counts)
    insert_values(ReferralEvent, _events(world, referrals), counts)


def _partners(world: World, counts: Counter[str]) -> dict[str, list[Partner]]:
    province = world.province.name
    made: list[Partner] = []
    by_kind: dict[str, list[Partner]] = {}
    for kind, name, jobs, training, loans, treatment in PARTNERS:
        name = name.format(p=province)
        partner = Partner.objects.filter(unit=world.province, name=name).first()  # a real one of that name is used
        if partner is None:
            partner = Partner(
                unit=world.province, name=name, search_name=fold(name), kind=kind, offers_jobs=jobs,
                offers_training=training, offers_loans=loans, offers_treatment=treatment, offer_notes=SYNTHETIC_NOTE,
            )  # fmt: skip
            made.append(partner)
        by_kind.setdefault(kind, []).append(partner)
    insert(Partner, made, counts)
    return by_kind


def _services(
    world: World, partners: dict[str, list[Partner]], types: dict[str, list[ServiceType]]
) -> Iterator[dict[str, Any]]:
    rng = world.rng
    categories = [c for c, _ in CATEGORIES if c in types]
    weights = [w for c, w in CATEGORIES if c in types]
    for someone in world.people:
        for _ in range(rng.choices([0, 1, 2, 3, 4], [35, 30, 20, 10, 5])[0]):
            category = rng.choices(categories, weights)[0]
            start = world.day(max(world.start, someone.registered), world.until)
            record: dict[str, Any] = {
                "person_id": someone.pk, "service_type_id": rng.choice(types[category]).pk, "start_date": start,
                "recorded_by_id": world.actor.pk,
            }  # fmt: skip
            provider = PROVIDERS.get(category)
            if provider is not None and provider in partners:
                record["provider_id"] = rng.choice(partners[provider]).pk
            else:
                record["provider_name"] = f"UBND {someone.periods[0][0].name}"
            _details(world, record, category, start)
            yield record


def _details(world: World, record: dict[str, Any], category: str, start: datetime.date) -> None:
    rng = world.rng

    def ended(months: int) -> datetime.date | None:
        end = term_end(start, months)
        return end if end <= world.until else None

    if category == C.LOAN:
        term = rng.choice([12, 24, 36, 60])
        end = ended(term)
        if end is not None:
            repayment = rng.choices(
                [RepaymentStatus.REPAID, RepaymentStatus.LATE, RepaymentStatus.WRITTEN_OFF], [70, 25, 5]
            )
        else:
            repayment = rng.choices([RepaymentStatus.CURRENT, RepaymentStatus.LATE], [80, 20])
        record.update(
            amount=rng.randrange(10, 101, 5) * 1_000_000, loan_purpose=rng.choice(LOAN_PURPOSES), loan_term_months=term,
            end_date=end, repayment_status=repayment[0],
        )  # fmt: skip
    elif category == C.JOB_PLACEMENT:
        record.update(
            position=rng.choice(POSITIONS), end_date=ended(rng.randint(1, 24)) if rng.random() < 0.4 else None
        )
    elif category in (C.TRAINING, C.EDUCATION):
        end = ended(rng.randint(3, 6))
        record.update(
            amount=rng.randrange(1, 7) * 1_000_000, end_date=end, outcome="Hoàn thành khóa học" if end else ""
        )
    elif category in (C.EMERGENCY_AID, C.HEALTH_INSURANCE):
        record.update(amount=rng.randrange(5, 31) * 100_000, end_date=start)
    else:
        record["end_date"] = start if rng.random() < 0.7 else None


def _referrals(world: World, partners: dict[str, list[Partner]]) -> Iterator[tuple[Referral, Steps]]:
    rng = world.rng
    for someone in world.people:
        for _ in range(rng.choices([0, 1, 2], [55, 30, 15])[0]):
            kind = rng.choice(list(REFERRALS))
            sent = world.day(max(world.start, someone.registered), world.until)
            steps: Steps = [(S.SENT, sent)]
            path = rng.choices([path for path, _ in PATHS], [share for _, share in PATHS])[0]
            for then, days in path:
                on = steps[-1][1] + rng.randint(1, days) * DAY
                if on > world.until:
                    break  # the loop has not got that far yet
                steps.append((then, on))
            status, on = steps[-1]
            referral = Referral(
                person_id=someone.pk, partner=rng.choice(partners[REFERRALS[kind]]), kind=kind,
                reason="Cần hỗ trợ theo kế hoạch tái hòa nhập", sent_on=sent, referred_by=world.actor, status=status,
                status_on=on,
            )  # fmt: skip
            yield referral, steps


def _events(world: World, referrals: list[tuple[Referral, Steps]]) -> Iterator[dict[str, Any]]:
    for referral, steps in referrals:
        for status, on in steps:
            yield {"referral_id": referral.pk, "status": status, "on": on, "by_id": world.actor.pk}
