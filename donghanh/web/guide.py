"""The user guide at /help/: one page per role, written in Vietnamese, with screenshots the browser tests take.

The guide is content, not interface: its pages are Vietnamese templates (`web/help/<role>.html`), not msgids, and the
English interface links to them as they are. Its screenshots live in `web/static/help/` and are taken again by
`web/tests/browser/test_help_screenshots.py` on every run, so they show the pages as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render

from donghanh.accounts.access import login_only
from donghanh.accounts.http import AppRequest
from donghanh.accounts.roles import Role


@dataclass(frozen=True)
class Guide:
    """The guide of one role: its address (/help/<slug>/), its title and what it covers, in Vietnamese."""

    role: str
    title: str
    summary: str

    @property
    def slug(self) -> str:
        return self.role.replace("_", "-")

    @property
    def template(self) -> str:
        return f"web/help/{self.role}.html"


# In the order of the index: those who work in the commune, then those who read the figures above it.
GUIDES = (
    Guide(Role.VOLUNTEER, "Tình nguyện viên", "Danh sách việc cần làm, ghi nhận tiếp xúc, đánh giá hàng tháng."),
    Guide(
        Role.BOARD_MEMBER,
        "Thành viên ban chủ nhiệm CLB",
        "Câu lạc bộ, điểm tư vấn của mình, buổi sinh hoạt hôm nay và điểm danh trên điện thoại.",
    ),
    Guide(
        Role.COMMUNE_OFFICER,
        "Cán bộ xã/phường",
        "Đăng ký người, mở biện pháp, phân công tình nguyện viên, nhập từ Excel, báo cáo.",
    ),
    Guide(
        Role.COMMUNE_POLICE,
        "Công an xã/phường",
        "Danh sách người sử dụng ma túy, biện pháp quản lý, xét nghiệm và việc cần làm.",
    ),
    Guide(Role.HEALTH_STAFF, "Trạm y tế", "Xét nghiệm, tình trạng sức khỏe, theo dõi điều trị và hỗ trợ y tế."),
    Guide(Role.PROVINCE_OFFICER, "Cán bộ tỉnh", "Bảng điều khiển, báo cáo theo đơn vị và kỳ, xuất file Excel, PDF."),
    Guide(Role.NATIONAL_MANAGER, "Trung ương", "Số liệu toàn quốc, chỉ tiêu, lộ trình mô hình, báo cáo."),
    Guide(Role.AUDITOR, "Kiểm tra", "Chỉ đọc: số liệu, báo cáo, người dùng và nhật ký truy cập hồ sơ nhạy cảm."),
)
GUIDES_BY_SLUG = {guide.slug: guide for guide in GUIDES}


@login_only
def help_index(request: AppRequest) -> HttpResponse:
    """The guides, the user's own roles first."""
    held = set(request.user.role_assignments.values_list("role", flat=True))
    return render(
        request,
        "web/help/index.html",
        {
            "own": [guide for guide in GUIDES if guide.role in held],
            "others": [guide for guide in GUIDES if guide.role not in held],
        },
    )


@login_only
def help_guide(request: AppRequest, slug: str) -> HttpResponse:
    """One role's guide; anyone logged in may read any of them."""
    guide = GUIDES_BY_SLUG.get(slug)
    if guide is None:
        raise Http404
    return render(request, guide.template, {"guide": guide, "guides": GUIDES})
