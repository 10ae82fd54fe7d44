"""Demo support: partners, a year of services given and referrals in every state, written through the services.

Made after the demo case work, relative to the day it runs (`today`): the people helped are those
case work follows (`casework.selectors.in_casework`), those followed longest first, and nothing is dated
before they came under it. Hà Nội's province officer keeps the province's partners (the bank branch,
clinics, hospital, college, rehab facility), each commune officer their commune's. Phú Thượng's health
station records the medical exams and sends and follows most treatment referrals; the commune officer
records the rest. Everyone referred signed a consent to sharing with partners when they came under case work
(forms numbered 01/ĐY-2025, 02/ĐY-2025… per commune and year); every third person agreed, before a witness, to be
reached by SMS or Zalo, and the first of them withdrew it a month ago.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from donghanh.accounts.models import User
from donghanh.casework.choices import ContactMode, Topic
from donghanh.casework.models import Contact
from donghanh.casework.selectors import in_casework
from donghanh.casework.services import contact_record
from donghanh.core.dates import month_start, shift_month_start
from donghanh.demo.communes import HAI_CHAU, PHU_THUONG
from donghanh.episodes.selectors import episodes_active_on
from donghanh.orgunits.models import OrgUnit
from donghanh.people.models import ManagementPeriod, Person
from donghanh.privacy.choices import ConsentMethod, GivenBy, Purpose
from donghanh.privacy.consent import ADULT_AGE, consent_record, consent_withdraw
from donghanh.support import services
from donghanh.support.choices import Attendance, FollowUpSource, ReferralStatus
from donghanh.support.models import Partner, Referral, ServiceRecord, ServiceType
from donghanh.support.selectors import referrals_overdue, stable_jobs_on

SEED = 2026
DAY = datetime.timedelta(days=1)
HA_NOI = "01"
YEAR = 364  # days: how far back support goes


@dataclass(frozen=True)
class _Partner:
    key: str
    name: str
    kind: str
    address: str
    contact: str  # the person to ask for
    offers: tuple[str, ...]  # jobs, training, loans, treatment
    notes: str


# Who keeps them, where, and the partners themselves.
PARTNERS: dict[tuple[str, int, str], tuple[_Partner, ...]] = {
    ("tinh.hanoi", OrgUnit.Level.PROVINCE, HA_NOI): (
        _Partner("bank", "Ngân hàng Chính sách xã hội Chi nhánh thành phố Hà Nội", "bank_branch",
                 "Phường Kim Liên, Hà Nội", "Trần Thị Thanh Huyền", ("loans",),
                 "Cho vay ưu đãi người sau cai nghiện để tự tạo việc làm, sản xuất, kinh doanh; "
                 "nhận hồ sơ qua tổ tiết kiệm và vay vốn của phường."),
        _Partner("methadone", "Cơ sở điều trị Methadone khu vực Tây Hồ", "methadone_clinic",
                 "Phường Tây Hồ, Hà Nội", "BS. Nguyễn Văn Khánh", ("treatment",),
                 "Điều trị thay thế bằng Methadone, uống thuốc hằng ngày; tư vấn tuân thủ điều trị."),
        _Partner("college", "Trường Cao đẳng Nghề Công nghiệp Hà Nội", "vocational_school",
                 "Phường Đống Đa, Hà Nội", "Lê Thị Mai Phương", ("training",),
                 "Lớp sơ cấp 2–3 tháng: may công nghiệp, hàn điện, điện dân dụng, pha chế đồ uống; "
                 "hỗ trợ học phí cho người sau cai nghiện."),
        _Partner("hiv", "Phòng khám ngoại trú HIV/AIDS – Trung tâm Kiểm soát bệnh tật Hà Nội", "health_facility",
                 "Phường Đống Đa, Hà Nội", "BS. Phạm Thị Ngọc Lan", ("treatment",),
                 "Xét nghiệm, điều trị ARV miễn phí, xét nghiệm tải lượng vi rút định kỳ."),
        _Partner("mental", "Bệnh viện Tâm thần Hà Nội", "health_facility",
                 "Phường Long Biên, Hà Nội", "BS. Đỗ Quang Minh", ("treatment",),
                 "Khám, điều trị trầm cảm, lo âu và loạn thần do sử dụng ma túy; tái khám ngoại trú."),
        _Partner("rehab", "Cơ sở cai nghiện ma túy số 2 Hà Nội", "rehab_facility",
                 "Xã Hòa Lạc, Hà Nội", "Vũ Đức Thịnh", ("treatment", "training"),
                 "Cai nghiện tự nguyện và bắt buộc; dạy nghề trong thời gian cai."),
    ),
    ("xa.phuthuong", OrgUnit.Level.COMMUNE, PHU_THUONG): (
        _Partner("garment", "Xưởng may Thu Hằng", "business", "Tổ dân phố 5, phường Phú Thượng",
                 "Nguyễn Thị Hằng", ("jobs", "training"),
                 "Tuyển thợ may, thợ là, đóng gói; nhận học việc một tháng có lương."),
        _Partner("repair", "Tiệm sửa xe máy Hùng Cường", "business", "Tổ dân phố 9, phường Phú Thượng",
                 "Lê Văn Cường", ("jobs", "training"),
                 "Kèm nghề sửa xe máy ba tháng, sau đó nhận làm thợ."),
        _Partner("carwash", "Cơ sở rửa xe Minh Phát", "business", "Tổ dân phố 2, phường Phú Thượng",
                 "Đinh Văn Phát", ("jobs",), "Nhận lao động phổ thông rửa xe theo ca."),
        _Partner("women", "Hội Liên hiệp Phụ nữ phường Phú Thượng", "mass_organisation",
                 "Trụ sở UBND phường Phú Thượng", "Trần Thị Minh Nguyệt", ("loans",),
                 "Hỗ trợ khó khăn đột xuất, vốn nhỏ qua tổ tiết kiệm, tư vấn cho gia đình."),
        _Partner("youth", "Đoàn Thanh niên phường Phú Thượng", "mass_organisation",
                 "Trụ sở UBND phường Phú Thượng", "Hoàng Minh Đức", ("training",),
                 "Kết nối học nghề, việc làm cho thanh niên; câu lạc bộ thể thao hằng tuần."),
        _Partner("ngo", "Trung tâm Hỗ trợ cộng đồng Bình Minh", "ngo", "Tổ dân phố 7, phường Phú Thượng",
                 "Phan Thị Thu Trang", (),
                 "Tư vấn pháp luật miễn phí, hỗ trợ đồng đẳng, đi cùng người được giới thiệu đến dịch vụ."),
    ),
    ("xa.haichau", OrgUnit.Level.COMMUNE, HAI_CHAU): (
        _Partner("bank", "Ngân hàng Chính sách xã hội – Phòng giao dịch Hải Châu", "bank_branch",
                 "Phường Hải Châu, Đà Nẵng", "Nguyễn Thị Kim Oanh", ("loans",),
                 "Cho vay giải quyết việc làm và vay vốn sản xuất, kinh doanh."),
        _Partner("cleaning", "Công ty TNHH Dịch vụ Vệ sinh Sông Hàn", "business", "Phường Hải Châu, Đà Nẵng",
                 "Trương Văn Lực", ("jobs",), "Tuyển nhân viên vệ sinh công nghiệp cho tòa nhà, khách sạn."),
        _Partner("school", "Trung tâm Đào tạo nghề Sao Mai", "vocational_school", "Phường Hải Châu, Đà Nẵng",
                 "Lê Thị Thu Sương", ("training",), "Lớp nghề ngắn hạn: làm tóc, chăm sóc da, nấu ăn, điện lạnh."),
        _Partner("methadone", "Cơ sở điều trị Methadone Hải Châu", "methadone_clinic", "Phường Hải Châu, Đà Nẵng",
                 "BS. Huỳnh Ngọc Ánh", ("treatment",), "Điều trị thay thế bằng Methadone, cấp thuốc hằng ngày."),
        _Partner("women", "Hội Liên hiệp Phụ nữ phường Hải Châu", "mass_organisation", "Phường Hải Châu, Đà Nẵng",
                 "Võ Thị Thanh Tâm", (), "Hỗ trợ khó khăn đột xuất và tư vấn gia đình."),
    ),
}  # fmt: skip
# Closed once its one job ended: partner of the commune whose key it is.
CLOSED = (PHU_THUONG, "carwash", "Cơ sở đã đóng cửa từ tháng 8; không còn nhận lao động.")
WARD = {PHU_THUONG: "UBND phường Phú Thượng", HAI_CHAU: "UBND phường Hải Châu"}
MESSAGES = (
    (ContactMode.ZALO, "Nhắn Zalo nhắc lịch sinh hoạt câu lạc bộ tối thứ Sáu; đã xem và trả lời sẽ đến."),
    (ContactMode.SMS, "Nhắn tin hỏi thăm sau đợt nghỉ việc; trả lời đang tìm việc mới, vẫn ổn."),
)
AREA_CODE = {HA_NOI: "024", PHU_THUONG: "024", HAI_CHAU: "0236"}
HEALTH_INSURANCE = 1_263_600  # a household card for a year in 2026: 4.5% of the 2,340,000 ₫ base wage × 12


@dataclass(frozen=True)
class _Given:
    """A service for the `who`-th person followed, started `ago` days before today (ended `ended` days before)."""

    who: int
    code: str
    ago: int
    ended: int | None = None
    provider: str = ""  # a partner's key, else `provider_name`
    provider_name: str = ""
    amount: int | None = None
    outcome: str = ""
    notes: str = ""
    by: str = "officer"  # or "health": the health station
    more: dict[str, Any] = field(default_factory=dict)  # a loan's or a job's own fields


def _loan(purpose: str, months: int, status: str) -> dict[str, Any]:
    return {"loan_purpose": purpose, "loan_term_months": months, "repayment_status": status}


SERVICES: dict[str, tuple[_Given, ...]] = {
    PHU_THUONG: (
        # Training, then work.
        _Given(0, "vocational_training", 300, 210, "repair", amount=3_000_000, notes="Kèm nghề sửa xe máy 3 tháng.",
               outcome="Hoàn thành khóa kèm nghề; được giữ lại làm thợ."),
        _Given(0, "job_placement", 205, provider="repair", outcome="Đi làm đều, thu nhập khoảng 6 triệu đồng/tháng.",
               more={"position": "Thợ sửa xe máy"}),
        _Given(11, "vocational_training", 240, 150, "college", amount=4_500_000,
               notes="Lớp sơ cấp may công nghiệp 3 tháng.", outcome="Được cấp chứng chỉ sơ cấp nghề may."),
        _Given(12, "vocational_training", 40, provider="college", amount=2_500_000,
               notes="Lớp pha chế đồ uống 2 tháng.", outcome="Đang học, đi học đều."),
        _Given(10, "vocational_training", 10, provider="college", amount=5_000_000, notes="Lớp hàn điện 3 tháng."),
        _Given(3, "job_placement", 260, provider="garment", outcome="Làm ổn định, được chủ xưởng tin tưởng.",
               more={"position": "Thợ là và đóng gói hàng"}),
        _Given(6, "job_placement", 150, provider="garment", outcome="Làm theo ca, thu nhập 5,5 triệu đồng/tháng.",
               more={"position": "Thợ may"}),
        _Given(8, "job_placement", 250, 95, "carwash", outcome="Cơ sở rửa xe đóng cửa; mất việc.",
               more={"position": "Nhân viên rửa xe"}),
        _Given(2, "job_placement", 30, provider="garment", outcome="Mới nhận việc, đang thử việc.",
               more={"position": "Bảo vệ xưởng"}),
        # Loans from the province's bank branch: current, late, repaid.
        _Given(7, "preferential_loan", 280, provider="bank", amount=50_000_000,
               outcome="Quầy tạp hóa đã mở, trả lãi đúng hạn.",
               more=_loan("Mở quầy bán tạp hóa tại nhà", 60, "current")),
        _Given(1, "preferential_loan", 330, provider="bank", amount=30_000_000,
               outcome="Chậm trả lãi hai kỳ; đã nhắc, gia đình cam kết trả.",
               more=_loan("Mua xe máy để chạy giao hàng", 36, "late")),
        _Given(5, "preferential_loan", 355, 12, "bank", amount=15_000_000,
               outcome="Đã trả hết gốc và lãi trước hạn.", more=_loan("Vốn bán hàng ăn sáng", 12, "repaid")),
        _Given(9, "preferential_loan", 45, provider="bank", amount=40_000_000, outcome="Đã mua xong dụng cụ.",
               more=_loan("Mua dụng cụ hành nghề sửa điện nước", 36, "current")),
        # Emergency aid.
        _Given(5, "emergency_aid", 280, provider="women", amount=1_000_000,
               notes="Mới về địa phương, chưa có thu nhập."),
        _Given(8, "emergency_aid", 90, provider_name="Ủy ban Mặt trận Tổ quốc Việt Nam phường Phú Thượng",
               amount=1_500_000, notes="Mất việc khi cơ sở rửa xe đóng cửa."),
        _Given(5, "emergency_aid", 35, provider_name=WARD[PHU_THUONG], amount=2_000_000,
               notes="Con ốm nằm viện dài ngày."),
        _Given(7, "emergency_aid", 8, provider_name=WARD[PHU_THUONG], amount=1_000_000,
               notes="Nhà dột nặng sau mưa lớn."),
        _Given(10, "emergency_aid", 15, provider_name=WARD[PHU_THUONG], amount=2_000_000,
               notes="Vợ sinh con, gia đình khó khăn đột xuất."),
        # Health, papers and legal aid.
        _Given(9, "medical_exam", 200, provider_name="Trạm y tế phường Phú Thượng", by="health",
               outcome="Lập hồ sơ sức khỏe ban đầu; huyết áp, chức năng gan bình thường."),
        _Given(10, "medical_exam", 205, provider_name="Trạm y tế phường Phú Thượng", by="health",
               outcome="Lập hồ sơ sức khỏe ban đầu; hẹn xét nghiệm viêm gan C."),
        _Given(12, "medical_exam", 42, provider_name="Trạm y tế phường Phú Thượng", by="health",
               outcome="Lập hồ sơ sức khỏe ban đầu; tư vấn giấc ngủ và dinh dưỡng."),
        _Given(1, "health_insurance", 120, provider_name="Bảo hiểm xã hội cơ sở Tây Hồ", amount=HEALTH_INSURANCE,
               outcome="Đã có thẻ bảo hiểm y tế hộ gia đình 12 tháng."),
        _Given(7, "health_insurance", 45, provider_name="Bảo hiểm xã hội cơ sở Tây Hồ", amount=HEALTH_INSURANCE,
               outcome="Đã có thẻ bảo hiểm y tế hộ gia đình 12 tháng."),
        _Given(3, "identity_papers", 300, provider_name="Công an phường Phú Thượng",
               outcome="Đã được cấp lại thẻ căn cước."),
        _Given(2, "identity_papers", 185, provider_name="Công an phường Phú Thượng",
               outcome="Đã đăng ký lại thường trú tại địa phương."),
        _Given(3, "legal_aid", 110, provider="ngo",
               outcome="Được hướng dẫn xin phiếu lý lịch tư pháp để nộp hồ sơ xin việc."),
    ),
    HAI_CHAU: (
        _Given(0, "preferential_loan", 200, provider="bank", amount=30_000_000, outcome="Trả lãi đúng hạn.",
               more=_loan("Mua xe ba gác chở hàng thuê", 36, "current")),
        _Given(3, "job_placement", 180, provider="cleaning", outcome="Làm ổn định ở một khách sạn gần nhà.",
               more={"position": "Nhân viên vệ sinh công nghiệp"}),
        _Given(2, "emergency_aid", 25, provider="women", amount=1_500_000, notes="Mẹ già ốm nặng, không có thu nhập."),
        _Given(4, "vocational_training", 100, 10, "school", amount=3_000_000, notes="Lớp làm tóc 3 tháng.",
               outcome="Hoàn thành khóa học; đang tìm chỗ làm."),
        _Given(1, "health_insurance", 150, provider_name="Bảo hiểm xã hội cơ sở Hải Châu", amount=HEALTH_INSURANCE,
               outcome="Đã có thẻ bảo hiểm y tế hộ gia đình 12 tháng."),
    ),
}  # fmt: skip

REG, IRR, STOP = Attendance.REGULAR, Attendance.IRREGULAR, Attendance.STOPPED
CLINIC, PERSON, FAMILY = FollowUpSource.CLINIC, FollowUpSource.PERSON, FollowUpSource.FAMILY


@dataclass(frozen=True)
class _Sent:
    """A referral of the `who`-th person followed, sent `ago` days before today; then each change (status, days ago,
    note) and, from the month it was accepted, a follow-up a month (attendance, source, note)."""

    who: int
    kind: str
    partner: str
    ago: int
    reason: str
    changes: tuple[tuple[str, int, str], ...] = ()
    follow_ups: tuple[tuple[str, str, str], ...] = ()
    by: str = "officer"


ACC, DONE, DEC, LOST = ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.LOST
REFERRALS: dict[str, tuple[_Sent, ...]] = {
    PHU_THUONG: (
        _Sent(5, "methadone", "methadone", 200, "Dùng heroin nhiều năm, muốn điều trị thay thế để giữ việc bán hàng.",
              ((ACC, 190, "Đã khám, bắt đầu uống Methadone liều khởi đầu."),),
              ((REG, CLINIC, ""), (REG, CLINIC, "Đã ổn định liều."), (IRR, PERSON, "Về quê hai tuần, bỏ 4 ngày thuốc."),
               (REG, FAMILY, "Chồng đưa đi uống thuốc mỗi sáng."), (REG, CLINIC, ""),
               (REG, CLINIC, "Xét nghiệm nước tiểu âm tính.")), by="health"),
        _Sent(7, "methadone", "methadone", 160, "Dùng heroin trở lại sau khi về địa phương; đồng ý điều trị.",
              ((ACC, 150, "Tiếp nhận điều trị."), (LOST, 40, "Bỏ điều trị từ tháng 9; gọi điện và đến nhà không gặp.")),
              ((REG, CLINIC, ""), (IRR, CLINIC, "Bỏ 6 ngày uống thuốc trong tháng."),
               (IRR, FAMILY, "Hay vắng nhà buổi sáng."), (STOP, CLINIC, "Không đến uống thuốc từ ngày 12."))),
        _Sent(8, "hiv_treatment", "hiv", 230, "Cần khám và điều trị ARV; đồng ý cho trạm y tế đi cùng lần đầu.",
              ((ACC, 225, "Đã làm hồ sơ điều trị ngoại trú."),),
              ((REG, CLINIC, ""), (REG, CLINIC, ""), (REG, PERSON, ""), (REG, CLINIC, ""),
               (IRR, PERSON, "Mất việc, lỡ một lần lấy thuốc."), (REG, CLINIC, ""),
               (REG, CLINIC, "Tải lượng vi rút dưới ngưỡng phát hiện.")), by="health"),
        _Sent(4, "mental_health", "mental", 100, "Mất ngủ kéo dài, buồn chán, có lúc nói không muốn sống.",
              ((ACC, 90, "Chẩn đoán trầm cảm mức độ vừa; điều trị ngoại trú."),
               (DONE, 30, "Hết đợt điều trị; tái khám ba tháng một lần.")),
              ((IRR, PERSON, "Quên uống thuốc vài ngày đầu."), (REG, FAMILY, ""), (REG, CLINIC, "")), by="health"),
        _Sent(8, "employment", "garment", 85, "Mất việc khi cơ sở rửa xe đóng cửa; cần việc làm ổn định.",
              ((DEC, 75, "Xưởng chỉ tuyển lao động dưới 45 tuổi."),)),
        _Sent(9, "employment", "repair", 25, "Có nghề điện nước, muốn làm thêm ở tiệm sửa xe buổi chiều."),
        _Sent(1, "training", "college", 6, "Muốn học nghề điện dân dụng để có việc ổn định."),
        _Sent(9, "loan", "bank", 60, "Cần vốn mua dụng cụ hành nghề sửa điện nước.",
              ((ACC, 55, "Hồ sơ đủ điều kiện."), (DONE, 45, "Đã giải ngân 40.000.000 ₫."))),
        _Sent(11, "training", "college", 250, "Muốn học may để đi làm công nhân.",
              ((ACC, 245, "Xếp vào lớp may công nghiệp khai giảng tháng 3."), (DONE, 150, "Hoàn thành khóa học."))),
        _Sent(3, "legal_aid", "ngo", 130, "Cần hướng dẫn thủ tục lý lịch tư pháp để xin việc.",
              ((ACC, 125, "Hẹn gặp luật sư tình nguyện."), (DONE, 110, "Đã được hướng dẫn và làm xong hồ sơ."))),
        _Sent(9, "rehab_facility", "rehab", 150, "Sử dụng ma túy đá trở lại; gia đình đề nghị cai nghiện tự nguyện.",
              ((DEC, 140, "Người nghiện và gia đình chọn cai nghiện tự nguyện tại cộng đồng."),)),
        _Sent(6, "legal_aid", "ngo", 70, "Tranh chấp tiền thuê trọ với chủ nhà, cần tư vấn.",
              ((LOST, 20, "Không đến buổi hẹn với luật sư; gọi điện nhiều lần không được."),)),
    ),
    HAI_CHAU: (
        _Sent(1, "methadone", "methadone", 290, "Sử dụng heroin lâu năm, muốn điều trị Methadone.",
              ((ACC, 283, "Bắt đầu điều trị."),),
              ((REG, CLINIC, ""), (REG, CLINIC, ""), (REG, CLINIC, ""), (IRR, FAMILY, "Đi làm xa vài ngày."),
               (REG, CLINIC, ""), (REG, CLINIC, ""), (REG, PERSON, ""), (REG, CLINIC, ""), (REG, CLINIC, ""))),
        _Sent(0, "loan", "bank", 215, "Cần vốn mua xe ba gác chở hàng thuê.",
              ((ACC, 208, "Hồ sơ đủ điều kiện."), (DONE, 200, "Đã giải ngân 30.000.000 ₫."))),
        _Sent(3, "employment", "cleaning", 190, "Cần việc làm ổn định gần nhà.",
              ((ACC, 185, "Phỏng vấn đạt."), (DONE, 180, "Đã nhận việc."))),
        _Sent(5, "training", "school", 3, "Muốn học nghề điện lạnh."),
    ),
}  # fmt: skip


def demo_support_exist() -> bool:
    """True once a demo commune has a partner: the demo then adds no support."""
    return Partner.objects.filter(
        unit__era=OrgUnit.Era.CURRENT, unit__level=OrgUnit.Level.COMMUNE, unit__code__in=list(SERVICES)
    ).exists()


def demo_support_create(today: datetime.date | None = None) -> None:
    """The partners, and a year of services and referrals (to `today`) in each demo commune, through the services."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    partners = {(code, p.key): partner for (keeper, level, code), specs in PARTNERS.items()
                for p, partner in zip(specs, _add_partners(keeper, level, code, specs, rng), strict=True)}  # fmt: skip
    province = {key: p for (code, key), p in partners.items() if code == HA_NOI}
    for code in SERVICES:
        mine = {key: p for (unit, key), p in partners.items() if unit == code}
        _Commune(code, today, {**province, **mine}).build()
    code, key, reason = CLOSED
    closed = partners[code, key]
    services.partner_update(
        expected_version=None, actor=_user(_keeper(code)), partner=closed, is_active=False, offer_notes=reason
    )


def _add_partners(keeper: str, level: int, code: str, specs: tuple[_Partner, ...], rng: random.Random) -> list[Partner]:
    unit = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=level, code=code)
    added = []
    for p in specs:
        if p.kind in ("business", "ngo"):  # the owner's or the coordinator's mobile
            phone = f"09{rng.randint(10**7, 10**8 - 1)}"
        else:  # the office's line: 024 in Hà Nội, 0236 in Đà Nẵng
            phone = f"{AREA_CODE[code]}3{rng.randint(10**6, 10**7 - 1)}"
        offers = {f"offers_{offer}": True for offer in p.offers}
        added.append(services.partner_add(
            actor=_user(keeper), unit=unit, name=p.name, kind=p.kind, address=p.address, contact_person=p.contact,
            phone=phone, offer_notes=p.notes, **offers,
        ))  # fmt: skip
    return added


@dataclass(frozen=True)
class _Case:
    """A person followed today, since `since` (nothing is given them before)."""

    person: Person
    since: datetime.date


class _Commune:
    def __init__(self, code: str, today: datetime.date, partners: dict[str, Partner]) -> None:
        self.today, self.partners = today, partners
        self.unit = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE, code=code)
        self.code = code
        self.actors = {"officer": _user(_keeper(code))}
        self.actors["health"] = _user("yte.phuthuong") if code == PHU_THUONG else self.actors["officer"]
        self.types = {t.code: t for t in ServiceType.objects.all()}
        self.forms: Counter[int] = Counter()  # consent forms numbered per year: 01/ĐY-2026, 02/ĐY-2026…

    def build(self) -> None:
        cases = self._cases()
        if not cases:
            return
        for given in SERVICES[self.code]:
            self._give(cases[given.who % len(cases)], given)
        # Sharing with a partner needs consent: a form signed when the person came under case work, numbered in
        # the order signed.
        referred = {c.person.pk: c for c in (cases[sent.who % len(cases)] for sent in REFERRALS[self.code])}
        for case in sorted(referred.values(), key=lambda c: (c.since, c.person.pk)):
            self._consent(case, Purpose.REFERRAL_SHARING, case.since)
        for sent in REFERRALS[self.code]:
            self._refer(cases[sent.who % len(cases)], sent)
        self._messaging(cases)

    def _cases(self) -> list[_Case]:
        """Everyone case work follows today, since the measure followed or their arrival: the longest first (then in
        the order registered), so that the support given longest ago goes to those followed then."""
        people = in_casework(Person.objects.filter(unit=self.unit), self.today).order_by("pk")
        measures = (
            episodes_active_on(self.today)
            .filter(person__in=people, episode_type__in=settings.CASEWORK_ASSESSED_EPISODE_TYPES)
            .values("person")
            .annotate(first=Min("start_date"))
        )
        since = {row["person"]: row["first"] for row in measures}
        periods = ManagementPeriod.objects.filter(unit=self.unit, end_date=None, person__in=people)
        for person_id, arrived in periods.values_list("person", "start_date"):
            since[person_id] = max(since.get(person_id, arrived), arrived)
        first = self.today - YEAR * DAY
        cases = [_Case(p, min(self.today, max(first, since.get(p.pk, first)))) for p in people]
        return sorted(cases, key=lambda case: (case.since, case.person.pk))

    def on(self, ago: int, case: _Case, after: datetime.date | None = None) -> datetime.date:
        """`ago` days before today, yet not before the person was followed (nor before `after`)."""
        return max(self.today - ago * DAY, case.since, after or case.since)

    def _give(self, case: _Case, given: _Given) -> None:
        start = self.on(given.ago, case)
        fields: dict[str, Any] = {
            "outcome": given.outcome, "notes": given.notes, "amount": given.amount, **given.more,
            "end_date": None if given.ended is None else self.on(given.ended, case, start),
            "provider": self.partners[given.provider] if given.provider else None,
            "provider_name": given.provider_name,
        }  # fmt: skip
        services.service_record(actor=self.actors[given.by], person=case.person,
                                service_type=self.types[given.code], start_date=start, **fields)  # fmt: skip

    def _consent(self, case: _Case, purpose: str, on: datetime.date, witness: str = "") -> None:
        """The person's consent to `purpose` on `on`: a numbered signed form, or verbal before `witness`; a minor's
        is given by a parent."""
        how: dict[str, str] = {"method": ConsentMethod.VERBAL_WITNESSED, "witness": witness}
        if not witness:
            self.forms[on.year] += 1
            how = {"method": ConsentMethod.SIGNED_FORM, "form_number": f"{self.forms[on.year]:02d}/ĐY-{on.year}"}
        who: dict[str, str] = {"given_by": GivenBy.PERSON}
        if case.person.age_on(on) < ADULT_AGE:
            surname = case.person.full_name.split()[0]
            who = {"given_by": GivenBy.GUARDIAN, "guardian_name": f"{surname} Văn Bình", "guardian_relation": "bố"}
        consent_record(actor=self.actors["officer"], person=case.person, purpose=purpose, given_on=on, **how, **who)

    def _messaging(self, cases: list[_Case]) -> None:
        """Every third person agreed to be reached by SMS or Zalo, in front of the volunteer or the hamlet's head;
        the first of them changed their mind a month ago."""
        witnesses = ("Nguyễn Thị Hạnh, tổ trưởng tổ dân phố", "Trần Văn Quang, tình nguyện viên")
        agreed = cases[::3]
        for n, case in enumerate(agreed):
            self._consent(case, Purpose.MESSAGES, case.since, witness=witnesses[n % 2])
        first = agreed[0].person if agreed else None
        if first is not None and agreed[0].since < self.today - 30 * DAY:
            consent = first.consents.get(purpose=Purpose.MESSAGES)
            consent_withdraw(actor=self.actors["officer"], consent=consent, withdrawn_on=self.today - 30 * DAY,
                             note="Đổi số điện thoại, không muốn nhận tin nhắn nữa.")  # fmt: skip
        # Two of those who agreed were reached by a message lately: a Zalo reminder and an SMS.
        for case, (mode, notes) in zip(agreed[1:3], MESSAGES, strict=False):
            self._message(case, mode, notes)

    def _message(self, case: _Case, mode: str, notes: str) -> None:
        """A message on the latest day of the last two months, after the consent, whose month has room for it."""
        taken = Counter(
            (d.year, d.month) for d in Contact.objects.filter(person=case.person).values_list("date", flat=True)
        )
        for ago in range(1, 60):
            day = self.today - ago * DAY
            if day > case.since and taken[(day.year, day.month)] < 3:
                contact_record(actor=self.actors["officer"], person=case.person, date=day, mode=mode,
                               topics=[Topic.RELAPSE_PREVENTION], notes=notes)  # fmt: skip
                return

    def _refer(self, case: _Case, sent: _Sent) -> None:
        actor = self.actors[sent.by]
        referral = services.referral_send(
            actor=actor, person=case.person, partner=self.partners[sent.partner], kind=sent.kind, reason=sent.reason,
            sent_on=self.on(sent.ago, case),
        )  # fmt: skip
        accepted: datetime.date | None = None
        for status, ago, note in sent.changes:
            day = self.on(ago, case, referral.status_on)
            if status == ReferralStatus.ACCEPTED:
                accepted = day
            elif accepted is not None:  # the follow-ups of the treatment, before it ended
                self._follow(referral, sent, accepted, day, actor)
                accepted = None
            services.referral_change(actor=actor, referral=referral, status=status, on=day, note=note)
        if accepted is not None:
            self._follow(referral, sent, accepted, self.today, actor)

    def _follow(
        self, referral: Referral, sent: _Sent, accepted: datetime.date, until: datetime.date, actor: User
    ) -> None:
        """A follow-up a month from the month accepted, to the month `until` but never the month not yet over."""
        last = min(month_start(until), shift_month_start(month_start(self.today), -1))
        for k, (attendance, source, note) in enumerate(sent.follow_ups):
            month = shift_month_start(month_start(accepted), k)
            if month > last:
                break
            services.follow_up_record(actor=actor, referral=referral, month=month, attendance=attendance,
                                      source=source, note=note)  # fmt: skip


def _keeper(code: str) -> str:
    return next(keeper for keeper, _level, unit in PARTNERS if unit == code)


def _user(username: str) -> User:
    user: User = User.objects.get(username=username)
    return user


# Summary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportFigures:
    """A demo commune's support as its officer sees it today."""

    unit_name: str
    partners: int  # the commune's own and its province's
    services: int
    people: int
    stable_jobs: int
    referrals: Counter[str]
    overdue: int


def demo_support_summary(today: datetime.date | None = None) -> list[SupportFigures]:
    today, rows = today or timezone.localdate(), []
    for code in SERVICES:
        unit = OrgUnit.objects.get(era=OrgUnit.Era.CURRENT, level=OrgUnit.Level.COMMUNE, code=code)
        officer = _user(_keeper(code))
        given = ServiceRecord.objects.accessible_to(officer).filter(person__unit=unit)
        referrals = Referral.objects.accessible_to(officer).filter(person__unit=unit)
        rows.append(SupportFigures(
            unit.name, Partner.objects.accessible_to(officer).count(), given.count(),
            given.values("person").distinct().count(), stable_jobs_on(today).filter(person__unit=unit).count(),
            Counter(referrals.values_list("status", flat=True)), referrals_overdue(officer, today).count(),
        ))  # fmt: skip
    return rows
