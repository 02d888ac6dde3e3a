"""The Excel template a clerk downloads: Chinese headers, drop-down lists for the coded columns,
date formats, and a sheet of instructions."""

from __future__ import annotations

import io

import xlsxwriter

from govtrust.core.sheets import workbook as new_workbook
from govtrust.core.sheets import write_cells
from govtrust.records.bulk.columns import COLUMNS
from govtrust.records.services.deadlines import REPORTING_WORKING_DAYS

DATA_ROWS = 5000


def build(unit_label: str) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, in_memory=True)
    title = workbook.add_format({"bold": True, "font_size": 14})
    required = workbook.add_format({"bold": True, "bg_color": "#FDE2E2", "border": 1})
    optional = workbook.add_format({"bold": True, "bg_color": "#F1F5F9", "border": 1})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet("失信记录")
    codes = workbook.add_worksheet("代码表")
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, f"政务失信记录报送表（{unit_label}）", title)
    for index, column in enumerate(COLUMNS):
        label = f"*{column.header}" if column.required else column.header
        sheet.write_string(1, index, label, required if column.required else optional)
        sheet.write_comment(1, index, column.note or column.header)
        sheet.set_column(index, index, 28 if column.field in ("facts", "basis") else 16)
        if column.choices:
            codes.write_string(0, index, column.header)
            for row, (_value, choice) in enumerate(column.choices, start=1):
                codes.write_string(row, index, choice)
            letter = xlsxwriter.utility.xl_col_to_name(index)
            sheet.data_validation(
                2,
                index,
                DATA_ROWS,
                index,
                {
                    "validate": "list",
                    "source": f"=代码表!${letter}$2:${letter}${len(column.choices) + 1}",
                    "error_title": "取值无效",
                    "error_message": f"请从下拉列表中选择{column.header}",
                },
            )
        if column.field in ("decision_date", "arose_on"):
            sheet.set_column(index, index, 14, date)
        if column.field in ("subject_identifier", "authority_uscc", "decision_number"):
            sheet.set_column(index, index, 22, text)  # keep leading zeros and the final X
    sheet.freeze_panes(2, 0)
    codes.hide()
    guide = workbook.add_worksheet("填写说明")
    guide.set_column(0, 0, 28)
    guide.set_column(1, 1, 70)
    guide.write_string(0, 0, "填写说明", title)
    lines = [
        ("适用单位", unit_label),
        (
            "报送时限",
            f"失信信息产生之日起{REPORTING_WORKING_DAYS}个工作日内报送（《实施方案》四（五））",
        ),
        ("表头", "第2行为表头，请勿修改；带 * 的列必填。可在表头上方保留标题行。"),
        ("日期", "可填 2025-03-05、2025/3/5 或 2025年3月5日"),
        ("金额", "单位为万元，可带千位分隔符"),
        ("重复", "同一主体的同一决定只能报送一次；重复上传同一文件不会产生重复记录"),
    ]
    lines += [(c.header + ("（必填）" if c.required else ""), c.note or "") for c in COLUMNS]
    for row, (name, value) in enumerate(lines, start=2):
        write_cells(guide, row, 0, [name, value])
    sheet.activate()
    workbook.close()
    return buffer.getvalue()
