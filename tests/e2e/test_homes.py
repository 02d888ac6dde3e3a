"""Each role's home page and the portal home in Chromium, at 1280 and 390 px.

The module makes its data through the services in the server's environment: records of three
counties in three prefectures (城关区 of 兰州, 秦州区 of 天水, 肃州区 of 酒泉), published by the
provincial credit office, and for the shared clerk an overdue draft, a returned record and one
waiting for the reviewer. Its publications are withdrawn when the module ends, so the portal
module (which counts what is published) sees none of them.

The run saves screenshots of the portal home, the credit office's home and the map into
docs/screenshots/ (overwritten each time; reduced to a 256-colour palette to keep them small).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import (
    CLERK,
    CREDIT_OFFICE,
    REVIEWER,
    SIBLING_REVIEWER,
    UI_TIMEOUT_MS,
    Account,
    Server,
    log_in,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = (1280, 390)
PREFECTURES_ON_MAP = 14  # 兰州新区 has no outline of its own (static/govtrust/geo/README.md)
RETURN_REASON = "文书号与决定书不一致，请核对"
AUDITOR = Account("auditor_e2e", "auditor", "62")
SYSADMIN = Account("sysadmin_e2e", "sysadmin", "62")
SECADMIN = Account("secadmin_e2e", "secadmin", "62")

SEED = """
import datetime, json, sys
from django.utils import timezone
from govtrust.core.identifiers import compose_uscc
from govtrust.directory.models import Department, Government, User
from govtrust.directory.services import department_create, user_create
from govtrust.disclosure.services import publication_publish
from govtrust.records.schemas import RecordIn
from govtrust.records.services import (record_accept, record_create, record_return,
    record_submit)

clerk, reviewer, sibling, office = (User.objects.get(username=n) for n in sys.argv[1:5])
reason = sys.argv[5]
today = timezone.localdate()

def account(name, role, code, department=None):
    found = User.objects.filter(username=name).first()
    if found:
        return found
    government = Government.objects.get(division_id=code)
    dept = None
    if department:
        dept = Department.objects.filter(government=government, name=department).first()
        dept = dept or department_create(government=government, name=department,
            uscc=compose_uscc("11", code, "HM000001"))
    return user_create(username=name, role=role, unit=government, department=dept,
        password="Home-Pass-2026-x")

qinzhou = account("clerk_home_qz", "clerk", "620502", "秦州区住房和城乡建设局")
suzhou = account("clerk_home_sz", "clerk", "620902", "肃州区自然资源局")
jiuquan = account("reviewer_home_jq", "reviewer", "6209")
filers = [(clerk, reviewer, "620102"), (qinzhou, sibling, "620502"), (suzhou, jiuquan, "620902")]
sources = ["penalty", "judicial", "breach"]

def payload(i, code, days_ago, severity, source):
    day = (today - datetime.timedelta(days=days_ago)).isoformat()
    return RecordIn.model_validate({
        "subject_kind": "department", "subject_name": f"首页演示单位{i:02d}",
        "subject_identifier": compose_uscc("11", code, f"HM{700 + i:06d}"),
        "source_type": source, "domain": "procurement", "severity": severity,
        "decision_number": f"首页公字第{i:03d}号", "decision_date": day, "arose_on": day,
        "authority_name": "甘肃省财政厅", "facts": "未按合同约定期限支付中小企业货款。",
        "basis": "《保障中小企业款项支付条例》第八条", "outcome": "责令限期支付",
    })

published = []
for i in range(12):
    filer, checker, code = filers[i % 3]
    serious = i % 4 == 0
    data = payload(i, code, 400 + i if serious else 10 + i, "serious" if serious else "general",
        sources[i % 3])
    record = record_accept(record=record_submit(record=record_create(data=data, actor=filer),
        actor=filer), actor=checker)
    published.append(publication_publish(record=record, actor=office).number)

overdue = record_create(data=payload(50, "620102", 60, "general", "penalty"), actor=clerk)
returned = record_submit(record=record_create(data=payload(51, "620102", 30, "general",
    "penalty"), actor=clerk), actor=clerk)
returned = record_return(record=returned, actor=reviewer, reason=reason)
# Decided long ago, so it heads the queue (ordered by due date) whatever other modules queued.
queued = record_submit(record=record_create(data=payload(52, "620102", 1500, "general", "breach"),
    actor=clerk), actor=clerk)
print(json.dumps({"published": published, "overdue": overdue.number,
    "returned": returned.number, "queued": queued.number}))
"""

WITHDRAW = """
import sys
from govtrust.disclosure.models import Publication
from govtrust.disclosure.services import publication_withdraw
for number in sys.argv[2:]:
    publication_withdraw(publication=Publication.objects.get(number=number), reason="revoked",
        actor_name=sys.argv[1])
"""


@pytest.fixture(scope="module")
def made(server: Server) -> Iterator[dict[str, Any]]:
    server.ensure_user(CREDIT_OFFICE)
    for account in (AUDITOR, SYSADMIN, SECADMIN):
        server.ensure_user(account)
    names = (CLERK, REVIEWER, SIBLING_REVIEWER, CREDIT_OFFICE)
    out = server.python(SEED, *(a.username for a in names), RETURN_REASON)
    data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    try:
        yield data
    finally:
        server.python(WITHDRAW, CREDIT_OFFICE.username, *data["published"])


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def sized(browser: Browser, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    width: int = request.param
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": width, "height": 900 if width > 600 else 844},
        is_mobile=width < 600,
        has_touch=width < 600,
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.set_default_navigation_timeout(UI_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def save_small(png: bytes, name: str) -> Path:
    """Keep a screenshot as a 256-colour PNG (a fraction of the size, legible)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def charts_drawn(page: Page, names: list[str]) -> None:
    """Each named chart was drawn by ECharts onto a canvas that is not blank."""
    for name in names:
        chart = page.locator(f'[data-chart="{name}"]')
        expect(chart).to_have_attribute("data-rendered", "1")
        assert painted(chart.locator("canvas").first) > 500, name


def painted(canvas: Any) -> int:
    """How many pixels of a canvas are painted (not fully transparent)."""
    count: int = canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i]) { n++; } }
                  return n; }"""
    )
    return count


def test_the_portal_home_shows_the_summary_and_the_map(
    sized: BrowserContext, server: Server, made: dict[str, Any]
) -> None:
    """GIVEN twelve records published in three prefectures
    WHEN a member of the public opens the portal home
    THEN the search box comes first, the Gansu map is drawn with its 14 prefectures and the
    figures, the charts by source, year and month are drawn, the latest notices are listed, the
    page does not scroll sideways, and a prefecture on the map leads to its records."""
    page = sized.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server.url("/"))
    width = page.viewport_size["width"] if page.viewport_size else 0
    search = page.get_by_role("search")
    summary = page.locator("#summary")
    assert search.bounding_box()["y"] < summary.bounding_box()["y"]  # type: ignore[index]
    # At least this module's publications (the portal module's, if it ran first, are 城关区's).
    assert int(page.locator("#summary-total").inner_text()) >= len(made["published"])

    chart_map = page.locator("#gansu-map")
    expect(chart_map).to_have_attribute("data-rendered", "1")
    expect(chart_map).to_have_attribute("data-regions", str(PREFECTURES_ON_MAP))
    registered = page.evaluate(
        "() => echarts.getMap('gansu').geoJSON.features.map(f => f.properties.name)"
    )
    listed = page.locator("#areas li a").all_inner_texts()
    assert len(registered) == PREFECTURES_ON_MAP and set(registered) == set(listed) - {"兰州新区"}
    assert painted(chart_map.locator("canvas").first) > 10_000
    charts_drawn(page, ["sources", "years", "months"])
    areas = dict(
        zip(
            page.locator("#areas li a").all_inner_texts(),
            page.locator("#areas li span").all_inner_texts(),
            strict=True,
        )
    )
    assert (areas["天水市"], areas["酒泉市"]) == ("4", "4") and int(areas["兰州市"]) >= 4
    expect(page.locator("#latest-notices li").first).to_be_visible()
    no_horizontal_scroll(page)
    assert errors == []  # nothing refused by the CSP, no script error

    if width == 1280:
        save_small(page.screenshot(), "portal-home.png")
        save_small(chart_map.screenshot(), "gansu-map.png")
    else:
        save_small(page.screenshot(), "portal-home-phone.png")

    # 天水市's label point, turned into a pixel by the chart: a click there searches it.
    chart_map.evaluate("el => el.scrollIntoView({block: 'center'})")
    point = page.evaluate(
        """() => { const el = document.getElementById('gansu-map');
                   const chart = echarts.getInstanceByDom(el);
                   const box = el.getBoundingClientRect();
                   const [x, y] = chart.convertToPixel({seriesIndex: 0}, [105.72, 34.58]);
                   return [box.left + x, box.top + y]; }"""
    )
    if width < 600:
        page.touchscreen.tap(point[0], point[1])  # a phone: a tap
    else:
        page.mouse.click(point[0], point[1])
    page.wait_for_url(re.compile(r"/\?prefecture=6205$"))
    expect(page.locator("#result-count")).to_contain_text("共找到 4 条")


def test_the_clerks_home_shows_overdue_and_returned_records(
    sized: BrowserContext, server: Server, made: dict[str, Any]
) -> None:
    page = sized.new_page()
    log_in(page, server, CLERK)
    page.goto(server.url("/backoffice/"))
    expect(page.get_by_role("heading", name="我的报送")).to_be_visible()
    overdue = page.locator("#overdue-list")
    expect(overdue).to_contain_text(made["overdue"])
    expect(overdue.locator("tr", has_text=made["overdue"])).to_contain_text("逾期")
    returned = page.locator("#returned-list tr", has_text=made["returned"])
    expect(returned).to_contain_text(RETURN_REASON)
    expect(page.locator("#count-returned strong")).not_to_have_text("0")
    no_horizontal_scroll(page)
    page.get_by_role("link", name="提醒", exact=True).click()
    expect(page.locator("tr", has_text=made["returned"])).to_contain_text("已退回")


def test_the_reviewers_home_shows_the_queue(
    sized: BrowserContext, server: Server, made: dict[str, Any]
) -> None:
    page = sized.new_page()
    log_in(page, server, REVIEWER)
    page.goto(server.url("/backoffice/"))
    expect(page.locator("#queue-list")).to_contain_text(made["queued"])
    expect(page.locator("#clerk-work")).to_have_count(0)
    charts_drawn(page, ["sources", "ontime", "rectification"])  # a reviewer reads figures
    no_horizontal_scroll(page)
    page.get_by_role("link", name="进入审核队列").click()
    expect(page.locator("body")).to_contain_text(made["queued"])


def test_the_credit_offices_home_shows_its_figures_as_charts(
    sized: BrowserContext, server: Server, made: dict[str, Any]
) -> None:
    page = sized.new_page()
    log_in(page, server, CREDIT_OFFICE)
    page.goto(server.url("/backoffice/"))
    expect(page.get_by_role("heading", name="统计概况")).to_be_visible()
    charts_drawn(page, ["sources", "ontime", "rectification"])
    records = int(page.locator("#fig-records").inner_text())
    assert records >= len(made["published"]) + 2  # published, returned and queued; no drafts
    no_horizontal_scroll(page)
    if page.viewport_size and page.viewport_size["width"] == 1280:
        save_small(page.screenshot(full_page=True), "home-credit-office.png")


@pytest.mark.parametrize(
    ("account", "landing", "heading"),
    [
        (AUDITOR, "/accounts/audit/", "审计日志"),
        (SYSADMIN, "/accounts/system/", "系统管理"),
        (SECADMIN, "/accounts/users/", "账号管理"),
    ],
    ids=["auditor", "sysadmin", "secadmin"],
)
def test_the_administrators_land_on_their_pages(
    page: Page, server: Server, made: dict[str, Any], account: Account, landing: str, heading: str
) -> None:
    log_in(page, server, account)
    page.goto(server.url("/backoffice/"))
    assert page.url == server.url(landing)
    expect(page.locator("h1")).to_contain_text(heading)
    expect(page.locator(f'header nav a[href="{landing}"]')).to_be_visible()
    expect(page.locator("header nav")).not_to_contain_text("工作台")  # no business data
