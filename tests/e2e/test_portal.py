"""The public portal (信用甘肃 · 政务诚信) in Chromium, with no sign-in: search, filters, paging, a
record's page with its inclusion proof, hostile and personal text, what is not published, a phone
screen and the checkpoint in the footer.

The records are made once for the module through the services (a clerk of 城关区财政局 enters and
submits them, the 兰州 reviewer accepts them, the provincial credit office publishes them) and a
checkpoint of the transparency log is signed. Nothing else in the e2e suite publishes, so the
portal shows exactly this module's publications.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from govtrust.core import signing
from govtrust.core.identifiers import compose_ric, compose_uscc
from govtrust.disclosure.rules.periods import Decision, period_for
from govtrust.ledger.merkle import leaf_hash, verify_inclusion
from tests.e2e.conftest import CLERK, CREDIT_OFFICE, REVIEWER, UI_TIMEOUT_MS, Server

pytestmark = pytest.mark.browser

PAGE_SIZE = 20  # the portal's results per page
PHONE = {"width": 390, "height": 844}
SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "portal-phone.png"
RECORD_PATH = re.compile(r"/gs/records/([^/]+)/$")
COUNT_TEXT = re.compile(r"共找到 (\d+) 条")
SEARCH_BUTTON = "查询"
NO_RESULTS = "没有符合条件的公示记录。"

WANG_WEI = "王伟"
DEPOSIT = "保证金"  # a word of the facts of exactly three records
PHONE_NUMBER = "13812345678"
PHONE_MASKED = "138****5678"
HIDDEN_RIC = compose_ric("620102" + "19900202" + "123")  # a citizen ID written inside the facts
HIDDEN_RIC_MASKED = HIDDEN_RIC[:6] + "*" * 8 + HIDDEN_RIC[-4:]
SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_FACTS = (
    f"{SCRIPT}在工程验收中出具虚假材料。举报电话{PHONE_NUMBER}，"
    f"经办人身份证号{HIDDEN_RIC}，已移交纪检监察机关。"
)
UNPUBLISHED_NAME = "欧阳明远"  # accepted, never published
DRAFT_NAME = "城关区档案馆"  # still a draft

FILLER_FACTS = (
    "未按合同约定期限支付中小企业货款，累计拖欠三个月。",
    "招商引资承诺的奖励资金未按期兑现。",
    "政府和社会资本合作项目中未履行付费义务。",
    "拒不履行人民法院生效判决确定的给付义务。",
    "在公共资源交易活动中违规设置限制性条件。",
    "地方政府债务资金未按规定用途使用。",
    "街道办事处拖欠辖区企业工程款。",
)
FILLER_UNITS = (
    "城关区交通运输局",
    "城关区教育局",
    "城关区卫生健康局",
    "城关区水务局",
    "城关区农业农村局",
    "城关区商务局",
    "城关区文化和旅游局",
    "城关区应急管理局",
    "城关区民政局",
)
AUTHORITIES = ("兰州市中级人民法院", "兰州市城关区财政局", "甘肃省审计厅", "兰州市城关区监察委员会")
# Published fillers: 轻微 is not published under 《信用修复管理办法》, so none of them is minor.
SEVERITIES = ("general", "serious")
SEVERITY_LABELS = {"minor": "轻微", "general": "一般", "serious": "严重"}
DOMAINS = ("procurement", "ppp", "trading", "investment", "debt", "township", "other")
# 纪律处分 and 问责 are internal (no national catalogue entry publishes them): not among the
# published fillers.
SOURCES = ("judicial", "penalty", "breach", "debtor_list")

SEED = """
import datetime, json, sys
from django.utils import timezone
from govtrust.directory.models import User
from govtrust.disclosure.services import publications_publish_bulk
from govtrust.ledger.services import checkpoint_sign
from govtrust.records.schemas import RecordIn
from govtrust.records.services import record_accept, record_create, record_submit

clerk, reviewer, office = (User.objects.get(username=name) for name in sys.argv[1:4])
today = timezone.localdate()
made, to_publish = {}, []
for spec in json.loads(sys.argv[4]):
    key, stage = spec.pop("key"), spec.pop("stage")
    day = (today - datetime.timedelta(days=spec.pop("days_ago"))).isoformat()
    data = RecordIn.model_validate({**spec, "decision_date": day, "arose_on": day})
    record = record_create(data=data, actor=clerk)
    if stage != "draft":
        record = record_submit(record=record, actor=clerk)
        record = record_accept(record=record, actor=reviewer)
    if stage == "published":
        to_publish.append(record.pk)
    made[key] = {"number": record.number, "status": record.status, "decided": day}
outcome = publications_publish_bulk(record_ids=to_publish, actor=office)
assert not outcome.refused, outcome.refused
checkpoint = checkpoint_sign()
print(json.dumps({
    "today": today.isoformat(),
    "records": made,
    "published": outcome.published,
    "checkpoint": {"size": checkpoint.size, "root": checkpoint.root},
}))
"""


@dataclass(frozen=True)
class Spec:
    """One record to make: its RecordIn fields (dates given as days before today) and how far it
    goes: 'published', 'accepted' (accepted, not published) or 'draft'."""

    key: str
    stage: str
    subject_kind: str
    subject_name: str
    subject_identifier: str
    source_type: str
    domain: str
    severity: str
    decision_number: str
    authority_name: str
    facts: str
    days_ago: int
    basis: str = "《甘肃省政务诚信建设实施方案》"
    outcome: str = "责令限期整改并通报批评"
    amount: str | None = None
    court_ground: int | None = None


def _specs() -> list[Spec]:
    specs = [
        Spec(
            key="wangwei",
            stage="published",
            subject_kind="civil_servant",
            subject_name=WANG_WEI,
            subject_identifier=compose_ric("620102" + "19800101" + "001"),
            source_type="penalty",
            domain="procurement",
            severity="serious",
            decision_number="城诚公字第001号",
            authority_name="兰州市城关区财政局",
            facts="在政府采购评审中违规干预评标，造成采购结果不公。",
            days_ago=12,
            amount="12.5",
        ),
        Spec(
            key="hostile",
            stage="published",
            subject_kind="civil_servant",
            subject_name="李娜",
            subject_identifier=compose_ric("620102" + "19800101" + "002"),
            source_type="penalty",  # 纪律处分 is internal, not published
            domain="township",
            severity="general",
            decision_number="城诚公字第002号",
            authority_name="兰州市城关区纪律检查委员会",
            facts=HOSTILE_FACTS,
            days_ago=9,
        ),
    ]
    for n, severity in enumerate(("serious", "general", "serious"), start=1):
        specs.append(
            Spec(
                key=f"deposit-{n}",
                stage="published",
                subject_kind="department",
                subject_name=f"城关区公共资源交易中心{n}部",
                subject_identifier=compose_uscc("11", "620102", f"{700 + n:08d}"),
                source_type="breach",
                domain="trading",
                severity=severity,
                decision_number=f"城诚公字第{100 + n:03d}号",
                authority_name="兰州市城关区财政局",
                facts=f"未按规定退还中标企业的投标{DEPOSIT}，涉及{n}家企业。",
                days_ago=5 + n,
            )
        )
    for i in range(25):
        kind, name = "department", FILLER_UNITS[i % len(FILLER_UNITS)]
        if i % 8 == 0:
            kind, name = "government", "兰州市城关区人民政府"
        specs.append(
            Spec(
                key=f"filler-{i}",
                stage="published",
                subject_kind=kind,
                subject_name=name,
                subject_identifier=compose_uscc("11", "620102", f"{800 + i:08d}"),
                source_type=SOURCES[i % len(SOURCES)],
                domain=DOMAINS[i % len(DOMAINS)],
                severity=SEVERITIES[i % len(SEVERITIES)],
                decision_number=f"城诚公字第{200 + i:03d}号",
                authority_name=AUTHORITIES[i % len(AUTHORITIES)],
                facts=FILLER_FACTS[i % len(FILLER_FACTS)],
                days_ago=1 + i,
                amount=f"{i + 1}.5" if i % 3 == 0 else None,
                court_ground=2 if SOURCES[i % len(SOURCES)] == "debtor_list" else None,
            )
        )
    specs += [
        Spec(
            key="unpublished",
            stage="accepted",
            subject_kind="civil_servant",
            subject_name=UNPUBLISHED_NAME,
            subject_identifier=compose_ric("620102" + "19800101" + "003"),
            source_type="accountability",
            domain="investment",
            severity="serious",
            decision_number="城诚未字第001号",
            authority_name="兰州市城关区监察委员会",
            facts="招商引资中擅自承诺税收返还。",
            days_ago=4,
        ),
        Spec(
            key="draft",
            stage="draft",
            subject_kind="department",
            subject_name=DRAFT_NAME,
            subject_identifier=compose_uscc("11", "620102", f"{900:08d}"),
            source_type="penalty",
            domain="other",
            severity="minor",
            decision_number="城诚稿字第001号",
            authority_name="兰州市城关区财政局",
            facts="档案资料未按期移交。",
            days_ago=3,
        ),
    ]
    return specs


SPECS = {spec.key: spec for spec in _specs()}


@dataclass(frozen=True)
class Made:
    number: str
    status: str
    decided: str


@dataclass(frozen=True)
class Portal:
    """What the data fixture made: each spec's record, the publishing day, the published record
    numbers and the signed checkpoint."""

    today: str
    records: dict[str, Made]
    published: list[str]
    checkpoint_size: int
    checkpoint_root: str

    def number(self, key: str) -> str:
        return self.records[key].number

    def published_keys(self) -> list[str]:
        return [key for key, spec in SPECS.items() if spec.stage == "published"]


@pytest.fixture(scope="module")
def portal(server: Server) -> Portal:
    """About thirty published records, one accepted and one draft record, a signed checkpoint."""
    server.ensure_user(CREDIT_OFFICE)
    payload = json.dumps(
        [{k: v for k, v in asdict(spec).items() if v is not None} for spec in SPECS.values()],
        ensure_ascii=False,
    )
    out = server.python(SEED, CLERK.username, REVIEWER.username, CREDIT_OFFICE.username, payload)
    made: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    portal = Portal(
        today=made["today"],
        records={key: Made(**value) for key, value in made["records"].items()},
        published=made["published"],
        checkpoint_size=made["checkpoint"]["size"],
        checkpoint_root=made["checkpoint"]["root"],
    )
    assert len(portal.published) == len(portal.published_keys()) >= PAGE_SIZE + 5
    return portal


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": PHONE["width"], "height": PHONE["height"]},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.set_default_navigation_timeout(UI_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def search(page: Page, server: Server, query: str = "", **selects: str) -> None:
    """Open the portal, type `query`, choose `selects` (select name -> value) and press 查询."""
    page.goto(server.url("/"))
    page.fill("input[name=q]", query)
    for name, value in selects.items():
        page.select_option(f"select[name={name}]", value)
    submit(page)


def submit(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=SEARCH_BUTTON).click()


def shown_count(page: Page) -> int:
    text = page.locator("#result-count").inner_text()
    match = COUNT_TEXT.search(text)
    assert match is not None, text
    return int(match.group(1))


def result_numbers(page: Page) -> list[str]:
    """The record numbers of the results on this page, in order."""
    numbers = []
    for href in page.locator("#results li.result h2 a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    ):
        match = RECORD_PATH.search(href)
        assert match is not None, href
        numbers.append(match.group(1))
    return numbers


def test_search_by_two_character_name_and_by_a_word_of_the_facts(
    page: Page, server: Server, portal: Portal
) -> None:
    """GIVEN the published records, among them a civil servant named 王伟 and three records whose
    facts mention a 保证金 (deposit)
    WHEN a visitor types 王伟 into the search box and presses 查询; then searches 保证金; then
    searches a decision number
    THEN 王伟's record is the one result and the count says 1; the 保证金 search finds exactly the
    three records; the decision number finds its record.
    """
    search(page, server, WANG_WEI)
    expect(page.locator("input[name=q]")).to_have_value(WANG_WEI)
    expect(page.locator("#result-count")).to_contain_text("共找到 1 条")
    results = page.locator("#results")
    expect(results).to_contain_text(WANG_WEI)
    expect(results).to_contain_text(SPECS["wangwei"].decision_number)
    assert result_numbers(page) == [portal.number("wangwei")]

    search(page, server, DEPOSIT)
    deposits = {portal.number(f"deposit-{n}") for n in (1, 2, 3)}
    assert shown_count(page) == len(deposits)
    assert set(result_numbers(page)) == deposits
    expect(page.locator("#results li.result")).to_have_count(len(deposits))
    for item in page.locator("#results li.result").all():
        expect(item).to_contain_text(DEPOSIT)

    search(page, server, SPECS["filler-7"].decision_number)
    assert result_numbers(page) == [portal.number("filler-7")]


def test_filters_by_severity_domain_and_area(page: Page, server: Server, portal: Portal) -> None:
    """GIVEN published records of every severity and several domains, all reported by 城关区
    WHEN a visitor chooses 严重; then 严重 and 公共资源交易; then the prefecture 兰州市, then its
    county 城关区, then the county 七里河区
    THEN each search lists exactly the matching records, each showing the chosen severity (and
    domain); the county select only appears once 兰州市 has been submitted, and lists 城关区; 城关区
    lists every publication and 七里河区 none.
    """
    serious = {portal.number(k) for k in portal.published_keys() if SPECS[k].severity == "serious"}
    search(page, server, severity="serious")
    assert shown_count(page) == len(serious)
    assert set(result_numbers(page)) == serious
    tags = page.locator("#results li.result .meta .tag[class*=sev-]")
    expect(tags).to_have_count(len(serious))
    assert set(tags.all_inner_texts()) == {SEVERITY_LABELS["serious"]}
    expect(page.locator("select[name=severity]")).to_have_value("serious")

    both = {
        portal.number(k)
        for k in portal.published_keys()
        if SPECS[k].severity == "serious" and SPECS[k].domain == "trading"
    }
    assert 0 < len(both) < len(serious)
    page.select_option("select[name=domain]", "trading")
    submit(page)
    assert set(result_numbers(page)) == both
    assert shown_count(page) == len(both)
    for item in page.locator("#results li.result .meta").all():
        expect(item).to_contain_text(SEVERITY_LABELS["serious"])
        expect(item).to_contain_text("公共资源交易")

    page.goto(server.url("/"))
    expect(page.locator("select[name=county]")).to_have_count(0)
    page.select_option("select[name=prefecture]", "6201")
    submit(page)
    county = page.locator("select[name=county]")
    expect(county).to_be_visible()
    expect(county.locator("option[value='620102']")).to_have_text("城关区")
    assert shown_count(page) == len(portal.published)
    page.select_option("select[name=county]", "620102")
    submit(page)
    expect(page.locator("select[name=prefecture]")).to_have_value("6201")
    expect(page.locator("select[name=county]")).to_have_value("620102")
    assert shown_count(page) == len(portal.published)
    page.select_option("select[name=county]", "620103")  # 七里河区: nothing reported there
    submit(page)
    assert shown_count(page) == 0
    expect(page.locator("#results")).to_have_text(NO_RESULTS)


def test_paging_shows_every_publication_once(page: Page, server: Server, portal: Portal) -> None:
    """GIVEN more published records than fit on one page (20)
    WHEN a visitor opens the portal with no query, follows 下一页, then jumps to page 1
    THEN the count is every publication; page 1 has 20 results and a next link; page 2 has the
    rest and none; no record is on both pages and together they are all the publications; the
    jump box lands on page 1 again.
    """
    page.goto(server.url("/"))
    total = shown_count(page)
    assert total == len(portal.published) >= PAGE_SIZE + 5
    first = result_numbers(page)
    assert len(first) == PAGE_SIZE
    with page.expect_navigation():
        page.click("#next-page")
    expect(page).to_have_url(re.compile(r"[?&]page=2$"))
    second = result_numbers(page)
    assert len(second) == total - PAGE_SIZE
    assert not set(first) & set(second)
    assert set(first) | set(second) == set(portal.published)
    expect(page.locator("#next-page")).to_have_count(0)
    expect(page.locator("nav.pager a[rel=prev]")).to_be_visible()
    # The numbered pager's jump box (which keeps the query) goes back to page 1.
    expect(page.locator("nav.pager .count")).to_contain_text(f"共 {total} 条 · 第 2/2 页")
    page.locator("nav.pager .jump input[name=page]").fill("1")
    with page.expect_navigation():
        page.locator("nav.pager .jump button").click()
    assert result_numbers(page) == first


def test_record_page_shows_period_authority_and_a_verifiable_proof(
    page: Page, server: Server, portal: Portal
) -> None:
    """GIVEN 王伟's published record (a serious administrative penalty) and a signed checkpoint
    WHEN a visitor finds it, clicks the result and then the proof link
    THEN the page shows the publication period (from the publishing day to 36 months after the
    decision, the 2026 credit-repair rule for serious records), the deciding authority and the
    proof link; the proof is JSON for this record's publish event whose audit path leads to the
    checkpoint's root, and the checkpoint's signature checks with the log's public key, while a
    changed root or a wrong index does not check.
    """
    spec, number = SPECS["wangwei"], portal.number("wangwei")
    search(page, server, WANG_WEI)
    with page.expect_navigation():
        page.locator("#results li.result h2 a").first.click()
    expect(page).to_have_url(server.url(f"/gs/records/{number}/"))
    expect(page.locator("main h1")).to_contain_text(WANG_WEI)

    decided = datetime.date.fromisoformat(portal.records["wangwei"].decided)
    start = datetime.date.fromisoformat(portal.today)
    period = period_for(
        Decision(source_type=spec.source_type, decided=decided, severity=spec.severity), on=start
    )
    expect(page.locator("#period")).to_contain_text(
        f"{start} 起，至 {period.maximum_end} 止（最短公示期至 {period.minimum_end}"
    )
    expect(page.locator("#authority")).to_contain_text(spec.authority_name)
    proof_link = page.locator("#proof-link")
    expect(proof_link).to_have_attribute("href", f"/api/v1/public/records/{number}/proof")

    with page.expect_navigation() as navigation:
        proof_link.click()
    response = navigation.value
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    proof: dict[str, Any] = response.json()
    event = json.loads(proof["leaf_data"])
    assert (event["kind"], event["record"]) == ("publish", number)
    checkpoint: dict[str, Any] = proof["checkpoint"]
    assert checkpoint["size"] == proof["tree_size"] == portal.checkpoint_size
    assert checkpoint["root"] == portal.checkpoint_root

    leaf = leaf_hash(proof["leaf_data"].encode())
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    root = bytes.fromhex(checkpoint["root"])
    index, size = proof["leaf_index"], proof["tree_size"]
    assert verify_inclusion(leaf, index, size, path, root)
    assert not verify_inclusion(leaf, (index + 1) % size, size, path, root)

    key = page.request.get(server.url("/api/v1/public/log/public-key"))
    assert key.ok
    public_pem: str = key.json()["public_key_pem"]
    assert signing.verify(checkpoint, public_pem)
    assert not signing.verify({**checkpoint, "root": "00" * 32}, public_pem)


def test_hostile_text_is_shown_literally_and_personal_data_masked(
    page: Page, server: Server, portal: Portal
) -> None:
    """GIVEN a published record whose facts hold a <script> element, a mobile number and a
    citizen ID
    WHEN a visitor sees it among the results and opens its page
    THEN the script is shown as text and never runs (window.__pwned stays undefined); the mobile
    number shows as 138****5678 and the citizen ID with only its first six and last four
    characters; neither appears in full anywhere in the page or in the open-data API.
    """
    number = portal.number("hostile")
    search(page, server, "虚假材料")
    assert result_numbers(page) == [number]
    expect(page.locator("#results")).to_contain_text(SCRIPT)
    assert page.evaluate("typeof window.__pwned") == "undefined"

    response = page.goto(server.url(f"/gs/records/{number}/"))
    assert response is not None and response.status == 200
    facts = page.locator("#facts")
    expect(facts).to_contain_text(SCRIPT)
    expect(facts.locator("script")).to_have_count(0)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    expect(facts).to_contain_text(PHONE_MASKED)
    expect(facts).to_contain_text(HIDDEN_RIC_MASKED)
    html = page.content()
    for secret in (PHONE_NUMBER, HIDDEN_RIC, SPECS["hostile"].subject_identifier):
        assert secret not in html

    api = page.request.get(server.url(f"/api/v1/public/records/{number}"))
    assert api.ok
    view = api.json()["view"]
    assert PHONE_MASKED in view["facts"] and HIDDEN_RIC_MASKED in view["facts"]
    for secret in (PHONE_NUMBER, HIDDEN_RIC, SPECS["hostile"].subject_identifier):
        assert secret not in api.text()


@pytest.mark.parametrize("key", ["unpublished", "draft"])
def test_records_not_published_are_unreachable(
    page: Page, server: Server, portal: Portal, key: str
) -> None:
    """GIVEN a record accepted but not published, and a draft
    WHEN a visitor searches for its name and its decision number, opens its record page, and asks
    the open-data API for it
    THEN searches find nothing, the record page is 404, the API counts 0 and its detail is 404.
    """
    spec, made = SPECS[key], portal.records[key]
    assert made.status == spec.stage  # the record exists, in the state this test is about
    for query in (spec.subject_name, spec.decision_number):
        search(page, server, query)
        assert shown_count(page) == 0
        expect(page.locator("#results")).to_have_text(NO_RESULTS)
        assert made.number not in page.content()

    response = page.goto(server.url(f"/gs/records/{made.number}/"))
    assert response is not None and response.status == 404
    assert spec.subject_name not in page.content()

    listing = page.request.get(
        server.url("/api/v1/public/records"), params={"q": spec.subject_name}
    )
    assert listing.ok and listing.json()["count"] == 0
    detail = page.request.get(server.url(f"/api/v1/public/records/{made.number}"))
    assert detail.status == 404
    proof = page.request.get(server.url(f"/api/v1/public/records/{made.number}/proof"))
    assert proof.status == 404


def test_search_on_a_phone(phone: BrowserContext, server: Server, portal: Portal) -> None:
    """GIVEN a phone-sized screen (390×844, touch)
    WHEN a visitor taps into the search box, searches 保证金, then opens a result
    THEN the form and the results fit the width (nothing scrolls sideways), the search button is
    on screen, and the record page fits too; the results page is kept as a screenshot.
    """
    page = phone.new_page()
    page.goto(server.url("/"))
    box = page.get_by_role("button", name=SEARCH_BUTTON).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.locator("input[name=q]").tap()
    page.keyboard.type(DEPOSIT)
    with page.expect_navigation():
        page.get_by_role("button", name=SEARCH_BUTTON).tap()
    expect(page.locator("#results li.result")).to_have_count(3)
    expect(page.locator("#result-count")).to_contain_text("共找到 3 条")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the results page is {width}px wide"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    with page.expect_navigation():
        page.locator("#results li.result h2 a").first.tap()
    expect(page.locator("#period")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the record page is {width}px wide"


def test_footer_shows_the_signed_checkpoint(page: Page, server: Server, portal: Portal) -> None:
    """GIVEN a checkpoint signed after the records were published
    WHEN a visitor opens the portal and a record page
    THEN the footer of both shows that checkpoint: its size and the start of its root hash.
    """
    for path in ("/", f"/gs/records/{portal.number('wangwei')}/"):
        page.goto(server.url(path))
        footer = page.locator("footer #checkpoint")
        expect(footer).to_contain_text(f"透明日志检查点：{portal.checkpoint_size} 条事件")
        expect(footer).to_contain_text(portal.checkpoint_root[:16])
