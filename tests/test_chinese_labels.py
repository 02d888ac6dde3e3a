"""Everything a user reads is Chinese (issue 14, "Every label in Chinese"): no internal code or
English word in the visible text of any template, and a Chinese label for every enumeration
value, every audit action written and every code the audit page and the log page show.

The template scan looks at text between tags, after removing the template language ({{ }}, {% %},
{# #}, {% comment %} blocks), so what it checks is the literal wording of the page; values that
templates print are held to Chinese by the label checks below. Text inside <code>, <kbd>, <samp>
and <pre> is exempt: those mark strings a person must type or compare exactly (an API path, a
command for the system administrator, a JSON field of a proof), never a label. Attributes (ids,
classes, placeholders, titles carrying the internal code for reference) are not visible text.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from django.apps import apps
from django.db import models

import govtrust
from govtrust.core import validation
from govtrust.directory import views_audit
from govtrust.disclosure.views import CHECKPOINT_FIELDS

SOURCE = Path(govtrust.__file__).resolve().parent

# Words allowed in visible text, each for a reason: the abbreviations and file formats a Chinese
# user reads as they are (PDF, Excel, SHA-256, UTF-8, RFC 6962, 身份证 ID, API), and proper names
# (the product, the apps a person installs for one-time codes, operating systems, Merkle tree).
ALLOWED = frozenset(
    {
        # abbreviations and standards
        "API", "ID", "USCC", "PDF", "CSV", "Excel", "JSON", "SHA", "HMAC", "UTF", "GB", "GBK",
        "RFC", "Ed", "PNG", "JPG", "KB", "MB", "MiB", "xlsx", "xls", "ods", "csv", "UTC",
        # proper names
        "GovTrust", "Merkle", "Microsoft", "Authenticator", "FreeOTP", "Windows", "Linux", "macOS",
        "Python",
    }
)  # fmt: skip
_TEMPLATE_LANGUAGE = re.compile(
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S
)
_WORD = re.compile(r"[A-Za-z]+")
_EXEMPT = frozenset({"code", "kbd", "samp", "pre", "script", "style"})
_VOID = frozenset({"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"})
_CJK = re.compile(r"[\u3400-\u9fff]")


class _Text(HTMLParser):
    """The visible text of a template, outside the exempt elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.words: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if _EXEMPT.intersection(self.open):
            return
        for word in _WORD.findall(data):
            if word not in ALLOWED:
                self.words.append((word, " ".join(data.split())[:80]))


def untranslated(template: str) -> list[tuple[str, str]]:
    """(word, its sentence) for each English word or code a person would read on the page."""
    parser = _Text()
    parser.feed(_TEMPLATE_LANGUAGE.sub(" ", template))
    parser.close()
    return parser.words


def templates() -> list[Path]:
    found = sorted(SOURCE.glob("**/templates/**/*.html"))
    assert len(found) > 50, "the scan found too few templates"
    return found


def test_no_template_shows_an_internal_code_or_english_word() -> None:
    found = [
        f"{path.relative_to(SOURCE)}: {word} in “{sentence}”"
        for path in templates()
        for word, sentence in untranslated(path.read_text("utf-8"))
    ]
    assert found == []


def test_the_template_scan_catches_a_bad_label() -> None:
    """The scan must fail on English and on codes, and pass what is allowed or not visible."""
    assert [w for w, _ in untranslated("<td>{{ x }} pending</td>")] == ["pending"]
    assert [w for w, _ in untranslated("<p>操作：auth.login</p>")] == ["auth", "login"]
    assert [w for w, _ in untranslated("<th>Status</th><td>状态</td>")] == ["Status"]
    assert [w for w, _ in untranslated("<p>规则 GOV-HONOURS-S v1</p>")] == [
        "GOV",
        "HONOURS",
        "S",
        "v",
    ]
    fine = (
        '<p class="hint" title="user 12">下载 PDF 与 Excel 文件，SHA-256</p>'
        "<p>运行 <code>govtrust worker</code></p>{# note in English #}"
        "{% comment %}English here{% endcomment %}<p>{% if a %}{{ a.b }}{% endif %}账号</p>"
    )
    assert untranslated(fine) == []


def labelled(label: object) -> bool:
    return bool(_CJK.search(str(label)))


def _modules() -> Iterator[object]:
    for info in pkgutil.walk_packages(govtrust.__path__, "govtrust."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        yield importlib.import_module(info.name)


def enumerations() -> list[type[models.Choices]]:
    found: dict[str, type[models.Choices]] = {}
    for module in _modules():
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, models.Choices)
                and value.__module__.startswith("govtrust.")
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    assert len(found) > 20, "the scan found too few enumerations"
    return list(found.values())


def unlabelled(pairs: Iterable[tuple[object, object]]) -> list[str]:
    return [f"{code}: {label!r}" for code, label in pairs if not labelled(label)]


def test_every_enumeration_value_has_a_chinese_label() -> None:
    bad = [
        f"{e.__module__}.{e.__qualname__} {x}"
        for e in enumerations()
        for x in unlabelled(e.choices)
    ]
    assert bad == []


def test_every_choice_of_a_model_field_has_a_chinese_label() -> None:
    bad = [
        f"{model.__name__}.{field.name} {x}"
        for model in apps.get_models()
        if model.__module__.startswith("govtrust.")
        for field in model._meta.get_fields()
        if getattr(field, "choices", None)
        for x in unlabelled(field.choices)  # type: ignore[union-attr, arg-type]
    ]
    assert bad == []


def test_the_enumeration_check_catches_a_bad_label() -> None:
    class Bad(models.TextChoices):
        GOOD = "good", "良好"
        PENDING = "pending", "Pending"

    assert unlabelled(Bad.choices) == ["pending: 'Pending'"]


def test_codes_shown_on_the_audit_and_log_pages_have_chinese_labels() -> None:
    from govtrust.records.schemas import CHOICES

    tables: dict[str, Iterable[tuple[object, object]]] = {
        "OUTCOME_LABELS": views_audit.OUTCOME_LABELS.items(),
        "OBJECT_LABELS": views_audit.OBJECT_LABELS.items(),
        "ACTOR_LABELS": views_audit.ACTOR_LABELS.items(),
        "CHECKPOINT_FIELDS": CHECKPOINT_FIELDS.items(),
        "validation.CODE_LABELS": validation.CODE_LABELS.items(),
        **{f"records CHOICES[{field}]": pairs for field, pairs in CHOICES.items()},
    }
    bad = [f"{name} {x}" for name, pairs in tables.items() for x in unlabelled(pairs)]
    assert bad == []


def actions_written() -> set[str]:
    """Every audit action the code writes: the literal ones, and the f-strings expanded from the
    tables they are built from."""
    from govtrust.records.workflow import TRANSITIONS as RECORD_STEPS
    from govtrust.remedies.models import CaseKind
    from govtrust.remedies.workflow import TRANSITIONS as CASE_STEPS
    from govtrust.supervision.workflow import REPORT_TRANSITIONS, SUGGESTION_TRANSITIONS

    # The suggestion services audit each step through one helper: `_audit(actor, "step", ...)`.
    services = SOURCE / "supervision" / "services" / "suggestions.py"
    suggestion_steps = set(re.findall(r'_audit\(actor, "([a-z_]+)"', services.read_text("utf-8")))

    literal = {
        action
        for path in SOURCE.rglob("*.py")
        for action in re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text("utf-8"))
    }
    built = (
        {f"record.{name}" for name in RECORD_STEPS}
        | {f"case.{kind}.{step}" for kind, step in CASE_STEPS}
        | {f"case.{kind}.file" for kind in CaseKind.values}
        | {"measure.escalate1", "measure.escalate2"}
        | {"plan_task.escalate1", "plan_task.escalate2"}
        | {f"plan_report.{name}" for name in REPORT_TRANSITIONS}
        | {f"suggestion.{step}" for step in suggestion_steps}
    )
    assert {"hand_back", "reassign", "reply"} <= set(SUGGESTION_TRANSITIONS) & suggestion_steps
    patterns = {
        pattern
        for path in SOURCE.rglob("*.py")
        for pattern in re.findall(r'action=f"([^"]+)"', path.read_text("utf-8"))
    }
    # A new f-string action must be expanded above, or this test does not see its values.
    assert patterns == {
        "record.{name}",
        "case.{case.kind}.{step.name}",
        "case.{case.kind}.file",
        "measure.escalate{level}",
        "plan_task.escalate{level}",
        "plan_report.{name}",
        "suggestion.{step}",
    }
    return literal | built


def test_every_audit_action_written_has_a_chinese_label() -> None:
    written = actions_written()
    assert len(written) > 60
    assert sorted(a for a in written if not labelled(views_audit.ACTION_LABELS.get(a, ""))) == []


def test_the_audit_page_shows_labels_not_codes() -> None:
    """The row the audit page and its export show for an event: the action, the outcome, the
    object and a system actor in words; an action missing from the table is a Chinese "other"."""
    import datetime

    from govtrust.core.models import AuditEvent

    event = AuditEvent(
        seq=1,
        at=datetime.datetime(2026, 11, 29, 14, 10, tzinfo=datetime.UTC),
        actor="system",
        action="auth.login",
        object_type="user",
        object_id="12",
        outcome="success",
    )
    row = views_audit.shown(event)
    assert (row.label, row.outcome, row.object, row.actor) == ("登录", "成功", "账号 12", "系统")
    assert views_audit.beijing(event.at) == "2026-11-29 22:10:00"
    unknown = views_audit.shown(AuditEvent(seq=2, at=event.at, actor="a", action="x.y"))
    assert labelled(unknown.label) and labelled(unknown.object) is False  # no object: empty


def test_coded_values_are_named_in_words() -> None:
    """Import reports and forms name the allowed values by their labels only; API answers add
    the codes a program sends; a parameter's literal codes ('uscc' or 'ric') are named too."""
    from govtrust.records.schemas import CHOICES

    error = {"type": "enum", "loc": ("severity",), "ctx": {"expected": "'minor', 'general'"}}
    (person,) = validation.translate([error], CHOICES)
    assert person["message"].startswith("取值应为：轻微") and "minor" not in person["message"]
    (program,) = validation.translate([error], CHOICES, codes=True)
    assert "轻微（minor）" in program["message"]
    kind = {
        "type": "literal_error",
        "loc": ("path", "kind"),
        "ctx": {"expected": "'uscc' or 'ric'"},
    }
    (answer,) = validation.translate([kind])
    assert answer["message"] == "取值应为：统一社会信用代码、居民身份证号码"
    assert "'uscc'" not in validation.translate([kind], codes=True)[0]["message"]
