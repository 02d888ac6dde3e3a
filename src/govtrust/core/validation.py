"""Pydantic's validation errors as per-field Chinese messages: API 422s, forms and import reports
all speak the same words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_MESSAGES: dict[str, str] = {
    "missing": "此项为必填项",
    "string_too_short": "不能为空",
    "string_too_long": "长度不能超过{max_length}个字符",
    "string_type": "应为文本",
    "date_parsing": "日期格式应为YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为YYYY-MM-DD",
    "date_type": "日期格式应为YYYY-MM-DD",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_digits": "数字位数过多（最多{max_digits}位）",
    "decimal_max_places": "小数位数过多（最多{decimal_places}位）",
    "decimal_whole_digits": "整数部分位数过多",
    "greater_than_equal": "不能小于{ge}",
    "less_than_equal": "不能大于{le}",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为是或否",
    "json_invalid": "请求体不是有效的JSON",
    "model_attributes_type": "请求体应为JSON对象",
    "model_type": "请求体应为JSON对象",
    "dict_type": "请求体应为JSON对象",
    "extra_forbidden": "不允许的字段",
}
_CONTAINERS = {"body", "payload", "query", "path", "data", "form"}
# Coded values of API parameters that are not fields of a record (whose choices the callers pass).
CODE_LABELS: dict[str, str] = {"uscc": "统一社会信用代码", "ric": "居民身份证号码"}
_QUOTED = re.compile(r"'([^']*)'")


def _options(pairs: Iterable[tuple[str, str]], codes: bool) -> str:
    """The allowed values in words: labels (a person chooses among them), with the codes when a
    program reads the message (the API)."""
    return "、".join(f"{label}（{code}）" if codes else label for code, label in pairs)


def _field(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc if str(p) not in _CONTAINERS]
    return ".".join(parts) or "__all__"


def translate(
    errors: Iterable[Mapping[str, Any]],
    choices: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    *,
    codes: bool = False,
) -> list[dict[str, str]]:
    """[{field, message}] for pydantic's error dicts (ours from value errors pass through).

    `choices` gives the (code, label) pairs of coded fields, so a wrong value is answered with
    the Chinese labels a person chooses from; `codes` adds the codes a program sends (API
    answers only: forms and import reports are read by people, who never see the codes).
    """
    result = []
    for error in errors:
        kind = str(error.get("type", ""))
        ctx = dict(error.get("ctx") or {})
        field = _field(error.get("loc", ()))
        if kind in ("enum", "literal_error"):
            if choices and field in choices:
                pairs = list(choices[field])
            else:  # pydantic's "'a' or 'b'": each code in words where it is known
                pairs = [
                    (code, CODE_LABELS.get(code, code))
                    for code in _QUOTED.findall(str(ctx.get("expected", "")))
                ]
            message = f"取值应为：{_options(pairs, codes)}" if pairs else "取值无效"
            result.append({"field": field, "message": message})
            continue
        if kind == "value_error":
            message = str(ctx.get("error", error.get("msg", "取值无效")))
        elif kind in _MESSAGES:
            try:
                message = _MESSAGES[kind].format(**ctx)
            except (KeyError, IndexError):
                message = _MESSAGES[kind].split("{")[0].rstrip("：（")
        else:
            message = "取值无效"
        result.append({"field": field, "message": message})
    return result
