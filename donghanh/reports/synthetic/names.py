"""Vietnamese names and occupations, drawn from by the synthetic people and by the demo's."""

from __future__ import annotations

from donghanh.people.choices import Sex

# Names, weighted by repetition (Nguyễn is the most common family name, Thị the usual women's middle name).
FAMILY = "Nguyễn Nguyễn Nguyễn Trần Trần Lê Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý"
MIDDLE: dict[str, str] = {
    Sex.MALE: "Văn Văn Văn Đức Minh Quang Hữu Thanh Công Xuân Ngọc",
    Sex.FEMALE: "Thị Thị Thị Thu Ngọc",
}
GIVEN: dict[str, str] = {
    Sex.MALE: "Hùng Dũng Tuấn Nam Hải Long Sơn Thắng Cường Phong Quân Trung Kiên Hiếu Tùng Bình Đạt Khánh Hưng "
    "Toàn Mạnh Huy Vinh Tài Lâm Phúc Nghĩa Tiến Trường Thành Hoàng Việt Quý Lợi Sáng",
    Sex.FEMALE: "Hoa Lan Hương Huyền Trang Nga Thảo Linh Hạnh Yến Phương Oanh",
}
OCCUPATIONS = [
    "Lao động tự do", "Xe ôm công nghệ", "Thợ xây", "Bán hàng tạp hóa", "Thợ sửa xe máy", "Không có việc làm",
    "Bảo vệ", "Phụ hồ", "Giao hàng", "Nấu ăn", "Rửa xe", "Làm thuê theo ngày",
]  # fmt: skip
