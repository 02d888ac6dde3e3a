"""The shared pager keeps its one filter, URL-encoded, and shows nothing for a single page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template import engines


def test_the_pager_keeps_its_filter_encoded() -> None:
    template = engines["django"].from_string(
        '{% include "_pager.html" with key="verdict" value=value %}'
    )
    page = Paginator(list(range(120)), 50).get_page(2)
    html = template.render({"page": page, "value": 're"view&x'})
    assert "共 120 条 · 第 2/3 页" in html
    assert 'href="?verdict=re%22view%26x&amp;page=1"' in html
    assert 'href="?verdict=re%22view%26x&amp;page=3"' in html
    single = Paginator(list(range(5)), 50).get_page(1)
    assert template.render({"page": single, "value": ""}).strip() == ""
