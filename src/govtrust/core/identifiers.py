"""Unified social credit codes (GB 32100-2015) and citizen ID numbers (GB 11643).

Input arrives from forms, Excel sheets and other systems, so it is normalised first: full-width
characters become half-width, spaces and hyphens go, letters are upper-cased. The check characters
come from python-stdnum; messages are in Chinese because they are shown to users as they are.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import mul
from typing import Literal

from stdnum import numdb

from govtrust.core.clock import today_beijing

Kind = Literal["uscc", "ric"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(3**i % 31 for i in range(17))  # GB 32100-2015 §5.2
_RIC_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))  # GB 11643-1999 §6.2

# Position 1 (registering authority) and the categories of position 2 it may carry: GB 32100-2015
# 表1 and 表2 with the codes assigned since (A 中央军委改革和编制办公室, N 农业).
USCC_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    ),
    "2": ("外交", {"1": "外国常住新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": "其他",
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}
# Codes a government or a department may carry: 机关 and 事业单位 registered by 机构编制 (表2).
ORGAN_CATEGORIES = frozenset({"11", "12"})


@dataclass(frozen=True)
class Checked:
    valid: bool
    normalized: str
    message: str


def normalize(value: str) -> str:
    """Half-width, upper-case, without spaces or separators: the one spelling we store."""
    if value.isascii() and value.isalnum():  # as typed, nearly always: nothing to remove
        return value.upper()
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(ch for ch in text if not ch.isspace() and ch not in "-_").upper()
    # Removing spaces can bring a combining mark next to a letter: compose again.
    return unicodedata.normalize("NFKC", text)


def uscc_check_char(first17: str) -> str:
    """Check character of a USCC. Written out (the same result as python-stdnum's, a test
    compares them) because bulk intake checks tens of thousands of codes per file."""
    _length(first17, 17)
    # map() keeps the weighted sum in C: a third of the cost of a generator per code.
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _length(text: str, length: int) -> None:
    if len(text) != length:
        raise ValueError(f"expected {length} characters, got {len(text)}")


def ric_check_char(first17: str) -> str:
    _length(first17, 17)
    total = sum(map(mul, map(int, first17), _RIC_WEIGHTS))
    return "10X98765432"[total % 11]


@lru_cache(maxsize=4096)  # a file names the same few deciding authorities on every row
def check_uscc(value: str) -> Checked:
    number = normalize(value)
    if not number:
        return Checked(False, number, "统一社会信用代码不能为空")
    if len(number) != 18:
        return Checked(False, number, f"统一社会信用代码应为18位，当前为{len(number)}位")
    bad = [ch for ch in number if ch not in USCC_ALPHABET]
    if bad:
        return Checked(False, number, f"统一社会信用代码含有不允许的字符“{bad[0]}”")
    authority = USCC_AUTHORITIES.get(number[0])
    if authority is None:
        return Checked(
            False, number, f"统一社会信用代码第1位“{number[0]}”不是登记管理部门代码（GB 32100）"
        )
    if number[1] not in authority[1]:
        return Checked(
            False,
            number,
            f"统一社会信用代码第2位“{number[1]}”不是{authority[0]}登记的机构类别代码（GB 32100）",
        )
    if not number[2:8].isdigit():
        return Checked(False, number, "统一社会信用代码第3至8位应为行政区划代码（数字）")
    expected = uscc_check_char(number[:17])
    if number[17] != expected:
        return Checked(False, number, f"统一社会信用代码校验位错误：最后一位应为“{expected}”")
    org_expected = organisation_check_char(number[8:16])
    if number[16] != org_expected:
        return Checked(
            False,
            number,
            f"统一社会信用代码中的组织机构代码校验位错误：第17位应为“{org_expected}”",
        )
    return Checked(True, number, "统一社会信用代码有效")


def check_ric(value: str, *, today: datetime.date | None = None) -> Checked:
    """Validate a citizen ID number.

    The address part is checked only for having existed at some time: a number carries the
    code of the place where the person was registered when it was issued, which can be younger
    than the person (stdnum's own validate() would reject those).
    """
    number = normalize(value)
    if not number:
        return Checked(False, number, "身份证号码不能为空")
    if len(number) != 18:
        return Checked(False, number, f"身份证号码应为18位，当前为{len(number)}位")
    if not number[:17].isdigit() or number[17] not in "0123456789X":
        return Checked(False, number, "身份证号码前17位应为数字，最后一位应为数字或X")
    expected = ric_check_char(number[:17])
    if number[17] != expected:
        return Checked(False, number, f"身份证号码校验位错误：最后一位应为“{expected}”")
    try:  # positions 7-14, as stdnum's ric.get_birth_date reads them, without its compact()
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return Checked(False, number, "身份证号码中的出生日期无效")
    if birth > (today or today_beijing()) or birth.year < 1900:
        return Checked(False, number, "身份证号码中的出生日期不合理")
    if not _known_division(number[:6]):
        return Checked(False, number, f"身份证号码中的地址码{number[:6]}不是有效的行政区划代码")
    return Checked(True, number, "身份证号码有效")


def uscc_category(number: str) -> str:
    """What positions 1–2 of a valid code say it is: "机构编制·机关", "工商·企业"."""
    name, categories = USCC_AUTHORITIES[number[0]]
    return f"{name}·{categories[number[1]]}"


def organ_uscc_problem(number: str) -> str:
    """Why a valid code cannot be a government's or a department's ("" when it can): organs and
    public institutions are registered by 机构编制 as 机关 (11) or 事业单位 (12), GB 32100 表2."""
    if number[:2] in ORGAN_CATEGORIES:
        return ""
    return (
        f"该代码第1、2位“{number[:2]}”表示{uscc_category(number)}，不是政府机关或事业单位；"
        "政府、部门的统一社会信用代码以11（机关）或12（事业单位）开头"
    )


def organisation_check_char(body: str) -> str:
    """Check character of a GB 11714 organisation code (the 9th to 17th characters of a USCC)."""
    _length(body, 8)
    total = sum(map(mul, map(int, body, repeat(36)), (3, 7, 9, 10, 5, 8, 4, 2)))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def compose_uscc(category: str, division: str, body: str) -> str:
    """A USCC with both check characters computed: `category` (2), `division` (6), `body` (8)."""
    partial = f"{category}{division}{body}{organisation_check_char(body)}"
    return partial + uscc_check_char(partial)


def compose_ric(stem: str) -> str:
    """A citizen ID number from its first 17 digits (division, birth date, sequence)."""
    return stem + ric_check_char(stem)


@lru_cache(maxsize=8192)
def _known_division(code: str) -> bool:
    results = numdb.get("cn/loc").info(code)
    return any(props.get("county") for _part, props in results)


def check(kind: Kind, value: str) -> Checked:
    return check_uscc(value) if kind == "uscc" else check_ric(value)
