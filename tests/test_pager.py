"""The shared pager: the count of all rows, numbered pages around the current one with gaps,
a jump box, and links that keep the list's filters (URL-encoded)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory

from govtrust.core.templatetags.paging import page_window, page_window_more


def test_the_window_shows_first_last_and_neighbours_with_gaps() -> None:
    assert page_window(1, 1) == [1]
    assert page_window(1, 3) == [1, 2, 3]
    assert page_window(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_window(20, 20) == [1, None, 18, 19, 20]
    assert page_window(4, 20) == [1, 2, 3, 4, 5, 6, None, 20]


def test_the_pager_keeps_every_filter_of_the_request_encoded() -> None:
    template = engines["django"].from_string('{% include "_pager.html" %}')
    request = RequestFactory().get("/", {"verdict": 're"view&x', "unit": ["6201", "6205"]})
    page = Paginator(list(range(520)), 50).get_page(6)
    html = template.render({"page": page}, request)
    assert "共 520 条 · 第 6/11 页" in html
    query = "verdict=re%22view%26x&amp;unit=6201&amp;unit=6205&amp;page="
    assert f'href="?{query}5" rel="prev"' in html and f'href="?{query}7" rel="next"' in html
    assert f'href="?{query}1"' in html and f'href="?{query}11"' in html
    assert f'href="?{query}2"' not in html and html.count('class="gap"') == 2
    assert '<span class="current" aria-current="page">6</span>' in html
    assert '<input type="hidden" name="verdict" value="re&quot;view&amp;x">' in html
    assert '<input type="hidden" name="unit" value="6205">' in html
    assert 'name="page" min="1" max="11" value="6"' in html


def test_without_a_request_the_one_named_filter_is_kept() -> None:
    template = engines["django"].from_string(
        '{% include "_pager.html" with key="verdict" value=value %}'
    )
    page = Paginator(list(range(120)), 50).get_page(2)
    html = template.render({"page": page, "value": 're"view&x'})
    assert "共 120 条 · 第 2/3 页" in html
    assert 'href="?verdict=re%22view%26x&amp;page=1"' in html
    assert 'href="?verdict=re%22view%26x&amp;page=3"' in html
    single = Paginator(list(range(5)), 50).get_page(1)
    html = template.render({"page": single, "value": ""})
    assert "共 5 条" in html and "page=" not in html and "跳至" not in html


def test_the_capped_window_never_shows_a_last_page_it_cannot_vouch_for() -> None:
    assert page_window_more(1, 50) == [1, 2, 3, None]
    assert page_window_more(6, 50) == [1, None, 4, 5, 6, 7, 8, None]
    assert page_window_more(48, 50) == [1, None, 46, 47, 48, 49, 50]
    assert page_window_more(50, 50) == [1, None, 48, 49, 50]
    assert page_window_more(1, 2) == [1, 2]


def test_a_capped_count_pages_with_more_than_n_and_no_total() -> None:
    """GIVEN a list counted up to a cap of 1,000 rows (50 pages of 20) with more beyond it
    WHEN its pager is rendered in "more" mode on page 1 and on the last reachable page
    THEN it says 超过 1000 条 and the page number without a total, shows 1 2 3 … 下一页 (no 50),
    keeps the filters, and on page 50 says only the first 1,000 are listed, with no next link."""
    template = engines["django"].from_string("{% load paging %}{% pager page more=True %}")
    request = RequestFactory().get("/", {"q": "张"})
    rows = list(range(1000))
    html = template.render({"page": Paginator(rows, 20).get_page(1)}, request)
    assert '<span class="count">超过 1000 条 · 第 1 页</span>' in html
    assert "共 " not in html and "/50" not in html
    assert 'href="?q=%E5%BC%A0&amp;page=3"' in html and "page=50" not in html
    assert html.count('class="gap"') == 1
    assert 'href="?q=%E5%BC%A0&amp;page=2" rel="next" id="next-page">下一页' in html
    assert "只列出前" not in html
    last = template.render({"page": Paginator(rows, 20).get_page(50)}, request)
    assert 'rel="next"' not in last and "只列出前 1000 条，请缩小查询范围" in last
    assert 'name="page" min="1" max="50"' in last and "（最多 50 页）" in last
