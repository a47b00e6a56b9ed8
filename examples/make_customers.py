"""Generate examples/customers.csv and examples/customers-gbk.csv (run once; output committed).

The rows imitate an auto insurer's core-system extract (保单号, 被保险人, 身份证号 … 移动电话) with
the formats real extracts have: 15- and 18-digit resident IDs (lower-case ``x``, full-width
digits, spaces, a spreadsheet's leading apostrophe), phones with ``+86``, spaces, dashes and
extensions (``-801``, ``转``, ``分机``), fixed lines with their area codes, dates in mixed
formats (``2026/1/5``, ``20260105``, ``2026年1月5日``, Excel serial numbers, datetimes), plates
with separators, VINs with valid check digits, real make/model strings, and some empty cells.
About one row in fifteen has one planted error (wrong check digit, impossible date, vanity phone,
short VIN …); `build` returns where they are, and the tests check that exactly those cells are
rejected.

Everything is drawn from one seeded random generator, so the output never changes::

    python examples/make_customers.py

writes ``customers.csv`` (UTF-8 with BOM, as Excel saves "CSV UTF-8") and ``customers-gbk.csv``
(GB18030, as Chinese Excel and core systems save "CSV") beside this script.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

__all__ = ["HEADER", "ROWS", "SEED", "build", "main"]

SEED = 20261204
ROWS = 300
HEADER = (
    "保单号",
    "被保险人",
    "身份证号",
    "车牌号",
    "起保日期",
    "终保日期",
    "初登日期",
    "厂牌型号",
    "车架号",
    "发动机号",
    "客户地址",
    "办公电话",
    "家庭电话",
    "移动电话",
)

# county code, address prefix, area code, local digits, plate prefix
_REGIONS = (
    ("350203", "福建省厦门市思明区", "0592", 7, "闽D"),
    ("350206", "福建省厦门市湖里区", "0592", 7, "闽D"),
    ("350211", "福建省厦门市集美区", "0592", 7, "闽D"),
    ("350102", "福建省福州市鼓楼区", "0591", 8, "闽A"),
    ("350582", "福建省泉州市晋江市", "0595", 8, "闽C"),
    ("110105", "北京市朝阳区", "010", 8, "京"),
    ("110108", "北京市海淀区", "010", 8, "京"),
    ("310104", "上海市徐汇区", "021", 8, "沪"),
    ("440106", "广东省广州市天河区", "020", 8, "粤A"),
    ("440305", "广东省深圳市南山区", "0755", 8, "粤B"),
    ("330106", "浙江省杭州市西湖区", "0571", 8, "浙A"),
    ("510107", "四川省成都市武侯区", "028", 8, "川A"),
    ("420106", "湖北省武汉市武昌区", "027", 8, "鄂A"),
    ("610113", "陕西省西安市雁塔区", "029", 8, "陕A"),
)
_ROADS = (
    "湖滨南路",
    "厦禾路",
    "嘉禾路",
    "建国路",
    "中关村大街",
    "漕溪北路",
    "天河北路",
    "科技园南路",
    "文三路",
    "人民南路",
    "中南路",
    "雁塔北路",
    "五四路",
    "世纪大道",
)
_BUILDINGS = ("", "", "", "阳光花园", "金山小区", "建发大厦", "国贸中心", "滨海苑")

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方")
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志华晓东海燕"
_MINORITY = ("阿卜杜拉·艾买提", "买买提·吐尔逊", "古丽娜尔·买买提", "扎西·多吉", "迪丽努尔·阿不都")
_COMPANIES = (
    "厦门鹭江贸易有限公司",
    "福建海峡物流有限公司",
    "北京华信科技有限公司",
    "上海浦江建设工程有限公司",
    "深圳南山电子有限公司",
)

# WMI, make/model strings of that maker, engine-number prefix
_VEHICLES = (
    (
        "LHG",
        ("本田牌HG7203A", "雅阁HG7240ABCVT", "广汽本田HG7240AB", "飞度HG7151AC5", "奥德赛HG6508E"),
        "R20A",
    ),
    ("LVH", ("本田牌DHW7150", "思域DHW7150FBASG", "本田牌DHW6460RU"), "L15B"),
    ("LSV", ("大众汽车牌SVW71611DM", "大众汽车牌SVW6474DFD", "朗逸SVW71410QR"), "CSS"),
    ("LFV", ("大众牌FV7147FBDWG", "速腾FV7146BBMBG", "迈腾FV7187TATG"), "DKX"),
    ("LSG", ("别克牌SGM7162DAAA", "君威 别克牌SGM7161WAS3轿车", "雪佛兰牌SGM7154DAAA"), "LFV"),
    ("LFM", ("丰田牌TV7121E6", "丰田/丰田牌TV7203G", "卡罗拉TV7181GLD"), "2ZR"),
    ("LGB", ("东风日产牌DFL7162ACC", "轩逸DFL7168VBL2", "东风日产牌DFL6462VBL2"), "HR16"),
    ("LBE", ("北京现代牌BH7160QAY", "北京现代牌BH6440LAY", "伊兰特BH7164MX"), "G4FG"),
    ("LGX", ("比亚迪牌BYD7005BEVA8", "秦PLUS BYD7152WT6HEVC5"), "BYD"),
    ("LBV", ("宝马牌BMW7201WL", "宝马3系BMW7201AX"), "B48"),
    ("LVS", ("福特牌CAF6490A57", "福克斯CAF7150A5"), "CAF"),
)

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_YEAR_CODES = dict(zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY", strict=True))
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
_MOBILE_PREFIXES = tuple(
    str(n)
    for n in (*range(130, 140), *range(150, 160), 166, 173, 176, 177, *range(180, 190), 191, 199)
    if n != 154  # never allocated
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _id_check(body: str) -> str:
    total = sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def _vin_check(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


class _Maker:
    """Draws one customer row at a time from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0

    def pick(self, weighted: dict[str, int]) -> str:
        return self.rng.choices(list(weighted), weights=list(weighted.values()))[0]

    def name(self) -> str:
        r = self.rng.random()
        if r < 0.03:
            return self.rng.choice(_MINORITY)
        surname = self.rng.choice(_COMPOUND if r < 0.06 else _SURNAMES)
        given = "".join(self.rng.choice(_GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return surname + given

    def birth(self) -> dt.date:
        start = dt.date(1950, 1, 1).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, dt.date(2004, 12, 31).toordinal()))

    def resident_id(self, county: str, born: dt.date) -> str:
        order = f"{self.rng.randint(1, 999):03d}"
        if born.year < 1980 and self.rng.random() < 0.15:
            return f"{county}{born:%y%m%d}{order}"  # first-generation 15-digit number
        body = f"{county}{born:%Y%m%d}{order}"
        number = body + _id_check(body)
        style = self.pick({"plain": 80, "lower": 5, "full": 4, "spaced": 4, "quote": 3})
        if style == "lower":
            return number.lower()
        if style == "full":
            return number.translate(_FULL_WIDTH)
        if style == "spaced":
            return f"{number[:6]} {number[6:14]} {number[14:]}"
        if style == "quote":
            return "'" + number
        return number

    def mobile(self) -> str:
        number = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"
        style = self.pick(
            {
                "plain": 60,
                "+86": 8,
                "+86-": 4,
                "0086": 3,
                "spaced": 8,
                "dashed": 7,
                "float": 5,
                "wechat": 3,
                "label": 2,
            }
        )
        return {
            "plain": number,
            "+86": f"+86 {number[:3]} {number[3:7]} {number[7:]}",
            "+86-": f"+86-{number}",
            "0086": f"0086{number}",
            "spaced": f"{number[:3]} {number[3:7]} {number[7:]}",
            "dashed": f"{number[:3]}-{number[3:7]}-{number[7:]}",
            "float": f"{number}.0",
            "wechat": f"{number}（微信同号）",
            "label": f"手机：{number}",
        }[style]

    def fixed(self, area: str, digits: int, office: bool) -> str:
        first = self.rng.choice("5" if digits == 7 else "2568")
        local = first + "".join(self.rng.choice("0123456789") for _ in range(digits - 1))
        style = self.pick({"dash": 55, "paren": 12, "space": 10, "glued": 10, "+86": 5, "ext": 8})
        if style == "ext" and office:
            extension = f"{self.rng.randint(1, 9999)}"
            form = self.rng.choice(
                ("{a}-{n}-{e}", "{a}-{n}转{e}", "{a}-{n} 分机{e}", "{a}{n}转{e}")
            )
            return form.format(a=area, n=local, e=extension)
        return {
            "dash": f"{area}-{local}",
            "paren": f"({area}){local}",
            "space": f"{area} {local}",
            "glued": f"{area}{local}",
            "+86": f"+86 {area[1:]} {local}",
            "ext": f"{area}-{local}",
        }[style]

    def date(self, day: dt.date) -> str:
        style = self.pick(
            {
                "iso": 40,
                "slash": 15,
                "dot": 5,
                "digits": 10,
                "chinese": 12,
                "serial": 8,
                "datetime": 10,
            }
        )
        return {
            "iso": day.isoformat(),
            "slash": f"{day.year}/{day.month}/{day.day}",
            "dot": f"{day.year}.{day.month}.{day.day}",
            "digits": f"{day:%Y%m%d}",
            "chinese": f"{day.year}年{day.month}月{day.day}日",
            "serial": str((day - _EXCEL_EPOCH).days),
            "datetime": f"{day.isoformat()} 00:00:00",
        }[style]

    def plate(self, prefix: str) -> str:
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        if len(prefix) == 1:
            prefix += self.rng.choice("ABCDEFGHJKLMNP")
        if self.rng.random() < 0.12:  # green new-energy plate: D/F then a letter or digit
            serial = self.rng.choice("DF") + self.rng.choice("0123456789ABCDEFGHJK")
            serial += f"{self.rng.randint(0, 9999):04d}"
        else:
            chars = [self.rng.choice("0123456789") for _ in range(5)]
            for position in self.rng.sample(range(5), self.rng.choice((0, 0, 1, 1, 2))):
                chars[position] = self.rng.choice(letters.replace("Q", ""))
            serial = "".join(chars)
        style = self.pick({"plain": 70, "dot": 15, "dash": 5, "space": 5, "lower": 5})
        return {
            "plain": prefix + serial,
            "dot": f"{prefix}·{serial}",
            "dash": f"{prefix}-{serial}",
            "space": f"{prefix} {serial}",
            "lower": prefix + serial.lower(),
        }[style]

    def vin(self, wmi: str, registered: dt.date) -> str:
        vds = "".join(self.rng.choice(_VIN_CHARS) for _ in range(5))
        year = _YEAR_CODES[min(max(registered.year, 2010), 2030)]
        vis = year + self.rng.choice("0123456789ABC") + f"{self.rng.randint(0, 999_999):06d}"
        vin = wmi + vds + "0" + vis
        vin = vin[:8] + _vin_check(vin) + vin[9:]
        style = self.pick({"plain": 90, "lower": 5, "spaced": 5})
        if style == "lower":
            return vin.lower()
        if style == "spaced":
            return f"{vin[:3]} {vin[3:9]} {vin[9:]}"
        return vin

    def engine(self, prefix: str) -> str:
        number = prefix + f"{self.rng.randint(0, 9_999_999):07d}"
        style = self.pick({"plain": 85, "dash": 8, "space": 7})
        if style == "dash":
            return f"{prefix}-{number[len(prefix) :]}"
        if style == "space":
            return f"{prefix} {number[len(prefix) :]}"
        return number

    def address(self, prefix: str) -> str:
        road = self.rng.choice(_ROADS)
        building = self.rng.choice(_BUILDINGS)
        text = f"{prefix}{road}{self.rng.randint(1, 999)}号"
        if building:
            text += f"{building}{self.rng.randint(1, 30)}栋{self.rng.randint(101, 2805)}室"
        return text

    def policy(self, year: int, county: str) -> str:
        self.serial += 1
        kind = self.rng.choice(("PDAA", "PDAA", "PDZA"))
        return f"{kind}{year}{county[:4]}{self.rng.randint(0, 9999):04d}{self.serial:06d}"

    def row(self) -> dict[str, str]:
        county, address, area, digits, plate = self.rng.choice(_REGIONS)
        wmi, models, engine = self.rng.choice(_VEHICLES)
        start = dt.date(2025, 1, 1) + dt.timedelta(days=self.rng.randint(0, 729))
        end = start.replace(year=start.year + 1) - dt.timedelta(days=1)
        registered = start - dt.timedelta(days=self.rng.randint(0, 365 * 12))
        company = self.rng.random() < 0.04
        born = self.birth()
        row = {
            "保单号": self.policy(start.year, county),
            "被保险人": self.rng.choice(_COMPANIES) if company else self.name(),
            "身份证号": "" if company else self.resident_id(county, born),
            "车牌号": self.plate(plate) if self.rng.random() > 0.02 else "",
            "起保日期": self.date(start),
            "终保日期": self.date(end),
            "初登日期": self.date(registered) if self.rng.random() > 0.05 else "",
            "厂牌型号": self.rng.choice(models),
            "车架号": self.vin(wmi, registered),
            "发动机号": self.engine(engine),
            "客户地址": self.address(address) if self.rng.random() > 0.03 else "",
            "办公电话": self.fixed(area, digits, office=True) if self.rng.random() < 0.35 else "",
            "家庭电话": self.fixed(area, digits, office=False) if self.rng.random() < 0.3 else "",
            "移动电话": self.mobile() if self.rng.random() > 0.04 else "",
        }
        return row


def _plant(rng: random.Random, row: dict[str, str]) -> str:
    """Spoil one cell of the row the way real data goes wrong; return its column."""
    kind = rng.choice(
        (
            "id_checksum",
            "id_checksum",
            "id_date",
            "id_short",
            "mobile_vanity",
            "mobile_short",
            "mobile_prefix",
            "fixed_no_area",
            "fixed_short",
            "start_date",
            "end_date",
            "registered_date",
            "vin_short",
            "vin_checksum",
            "vin_letter_o",
            "plate_letter_o",
            "plate_masked",
            "engine_short",
            "name_digit",
        )
    )
    if kind.startswith("id_"):
        number = f"350203{rng.randint(1960, 1999)}0612{rng.randint(100, 999)}"
        if kind == "id_checksum":
            right = _id_check(number)
            row["身份证号"] = number + ("1" if right == "0" else "0")
        elif kind == "id_date":
            body = f"350203{rng.randint(1960, 1999)}0230{rng.randint(100, 999)}"
            row["身份证号"] = body + _id_check(body)
        else:
            row["身份证号"] = number  # 17 digits: check character lost
        return "身份证号"
    if kind.startswith("mobile_"):
        row["移动电话"] = {
            "mobile_vanity": "138OO138OOO",
            "mobile_short": f"1380013{rng.randint(100, 999)}",
            "mobile_prefix": f"12{rng.randint(100_000_000, 999_999_999)}",
        }[kind]
        return "移动电话"
    if kind == "fixed_no_area":
        row["家庭电话"] = f"5{rng.randint(100_000, 999_999)}"
        return "家庭电话"
    if kind == "fixed_short":
        row["办公电话"] = f"0592-5{rng.randint(1000, 9999)}"
        return "办公电话"
    if kind.endswith("_date"):
        column = {"start_date": "起保日期", "end_date": "终保日期", "registered_date": "初登日期"}
        row[column[kind]] = rng.choice(("2026-02-30", "2025-13-01", "2026年4月31日", "20250229"))
        return column[kind]
    if kind.startswith("vin_"):
        vin = row["车架号"].replace(" ", "").upper()
        if kind == "vin_short":
            row["车架号"] = vin[:16]
        elif kind == "vin_checksum":
            wrong = "X" if vin[8] != "X" else "0"
            wrong = wrong if _vin_check(vin) != wrong else "1"
            row["车架号"] = vin[:8] + wrong + vin[9:]
        else:
            row["车架号"] = vin[:11] + "O" + vin[12:]
        return "车架号"
    if kind == "plate_letter_o":
        row["车牌号"] = "闽D1234O"
        return "车牌号"
    if kind == "plate_masked":  # copied from a masked report: the full plate is needed
        row["车牌号"] = "闽D·***88"
        return "车牌号"
    if kind == "engine_short":
        row["发动机号"] = "G4F"
        return "发动机号"
    row["被保险人"] = "张3"
    return "被保险人"


def build(seed: int = SEED, rows: int = ROWS) -> tuple[list[dict[str, str]], dict[int, str]]:
    """The rows, and the planted errors as ``{spreadsheet row number: column}``.

    Row numbers are those a spreadsheet shows: the header is row 1, the first customer row 2.
    """
    rng = random.Random(seed)
    maker = _Maker(rng)
    data: list[dict[str, str]] = []
    planted: dict[int, str] = {}
    for index in range(rows):
        row = maker.row()
        if rng.random() < 0.08:
            planted[index + 2] = _plant(rng, row)
        data.append(row)
    return data, planted


def render(rows: list[dict[str, str]]) -> str:
    """The CSV text (CRLF line ends, as Excel writes them)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def main(directory: Path | None = None) -> int:
    """Write both files into ``directory`` (default: beside this script)."""
    directory = directory or Path(__file__).resolve().parent
    rows, planted = build()
    text = render(rows)
    (directory / "customers.csv").write_bytes(text.encode("utf-8-sig"))
    (directory / "customers-gbk.csv").write_bytes(text.encode("gb18030"))
    sys.stdout.write(
        f"wrote {len(rows)} rows ({len(planted)} with a planted error) to {directory}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
