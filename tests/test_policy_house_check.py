"""House rule: directory/policy.py is the only access policy. No module outside it filters a
queryset by the fields that place an object in a unit (division, government, department, unit,
role, author): a scope decision made anywhere else fails here until it is moved into the policy
as a named rule or an OWNERS row, or is listed below with the reason it decides no scope.

The list only shrinks: an entry no longer found fails too, so it is struck off when its code
moves into the policy.
"""

from __future__ import annotations

import ast
from pathlib import Path

import govtrust

SOURCE = Path(govtrust.__file__).parent
POLICY = SOURCE / "directory" / "policy.py"

# The fields that place an object in a unit or with a person, as a lookup path's parts.
SCOPE_FIELDS = frozenset(
    {
        "division",
        "division_id",
        "division_code",
        "government",
        "government_id",
        "reporting_government",
        "reporting_government_id",
        "department",
        "department_id",
        "reporting_department",
        "reporting_department_id",
        "unit",
        "unit_id",
        "role",
        "created_by",
        "created_by_id",
        "issued_by",
        "issued_by_id",
    }
)
# A division code compared by prefix (`code.startswith(user.scope_code)`): reach computed by hand.
PREFIX = "<prefix>"
CODES = frozenset({"scope_code", "division_code", "division_id"})
# Calls that filter (or look up) by their keyword arguments.
FILTERS = frozenset({"filter", "exclude", "get", "Q", "get_or_create", "update_or_create"})

# "path::function" -> the scope fields it may filter by, and why that decides no one's reach.
ALLOWED: dict[str, tuple[frozenset[str], str]] = {
    # Writes and look-ups by the writer's own unit: numbering, intake, seeds, set-up.
    "records/services/intake.py::next_numbers": (
        frozenset({"division_code"}),
        "the numbering sequence of the writer's own division",
    ),
    "screening/engine.py::_screen": (
        frozenset({"division_code"}),
        "judgements apply in the screener's lineage (policy.lineage)",
    ),
    "screening/engine.py::judgement_record": (
        frozenset({"division_code"}),
        "a judgement is stored in the judge's own division",
    ),
    "directory/reference_imports.py::divisions_apply": (
        frozenset({"division"}),
        "the reference import of divisions (the system administrator's)",
    ),
    "directory/services_accounts.py::_unit": (
        frozenset({"division_id", "government"}),
        "the unit an account is created in (the security administrator's)",
    ),
    "directory/selectors.py::accounts_search": (
        frozenset({"role", "unit", "division"}),
        "the security administrator's list of accounts",
    ),
    "remedies/views_public.py::report": (
        frozenset({"government"}),
        "the public report form's department picker: names only, no business data",
    ),
    "remedies/views_public.py::promise": (
        frozenset({"government"}),
        "the public promise form's department picker: names only, no business data",
    ),
    "remedies/services/filing.py::_promise_target": (
        frozenset({"division_id"}),
        "the verifying government fetched by the code policy.promise_verifying_body names",
    ),
    "assessment/services.py::_unit_for": (
        frozenset({"division_id"}),
        "an assessed unit fetched by its code; reach is policy.require_reach on the entry",
    ),
    "assessment/services.py::units": (
        frozenset({"division"}),
        "every assessed unit of the province (the annual run, no user's reach)",
    ),
    "documents/views_staff.py::reports": (
        frozenset({"issued_by"}),
        "the caller's own reports among those already in reach (documents_visible)",
    ),
    # Command line and demo seeds: no user, no reach.
    "cli.py::_unit": (frozenset({"division_id", "government"}), "set-up on the command line"),
    "demo.py::*": (SCOPE_FIELDS | {PREFIX}, "demo seeds"),
    "demo_cases.py::*": (frozenset(SCOPE_FIELDS), "demo seeds"),
    "supervision/demo.py::*": (frozenset(SCOPE_FIELDS), "demo seeds"),
    # Being reworked by the supervision helpers: stays listed until moved into the policy.
    "supervision/models/plan_tasks.py::*": (frozenset(SCOPE_FIELDS), "supervision: to move"),
    "supervision/selectors.py::*": (frozenset(SCOPE_FIELDS), "supervision: to move"),
    "supervision/services/plan_tasks.py::*": (frozenset(SCOPE_FIELDS), "supervision: to move"),
    "supervision/services/suggestions.py::*": (frozenset(SCOPE_FIELDS), "supervision: to move"),
    # Look-ups of a named unit inside what the policy already decided (policy.within, or the
    # object the policy is then asked about): they find, they do not widen.
    "supervision/selectors_training.py::own_departments": (
        frozenset({"division_code"}),
        "narrows policy.within to the user's own government: the organisers a form offers",
    ),
    "supervision/services/evaluation.py::_units": (
        frozenset({"division_id"}),
        "a government by its code among policy.within's",
    ),
    "supervision/services/evaluation.py::evaluator_register": (
        frozenset({"division_code"}),
        "an evaluator is registered once per commissioning office (uniqueness, not reach)",
    ),
    "supervision/services/inspections.py::finding_record": (
        frozenset({"division_code", "government"}),
        "the inspection's own target by its code, and a department of that target",
    ),
    "supervision/services/suggestion_import.py::_department": (
        frozenset({"division_id", "government"}),
        "a department by name among policy.within's",
    ),
    "supervision/services/training.py::_organiser": (
        frozenset({"division_id", "government"}),
        "the organiser by its code; policy.reaches then decides on the session it would own",
    ),
}


class _Finder(ast.NodeVisitor):
    def __init__(self, path: str) -> None:
        self.path, self.scope, self.found = path, ["<module>"], set[tuple[str, str]]()

    def _nested(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _nested

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        # The outermost function: helpers nested in it are part of it.
        where = f"{self.path}::{self.scope[1] if len(self.scope) > 1 else self.scope[0]}"
        if name in FILTERS:
            for lookup in _lookups(node):
                for part in lookup.split("__"):
                    if part in SCOPE_FIELDS:
                        self.found.add((where, part))
        if name == "startswith" and isinstance(func, ast.Attribute):
            for operand in (func.value, *node.args):
                if isinstance(operand, ast.Attribute) and operand.attr in CODES:
                    self.found.add((where, PREFIX))
        self.generic_visit(node)


def _lookups(call: ast.Call) -> list[str]:
    """The lookup paths of a call: keyword names, and the constant keys of `**{...}`."""
    found = [kw.arg for kw in call.keywords if kw.arg is not None]
    for kw in call.keywords:
        if kw.arg is None and isinstance(kw.value, ast.Dict):
            found += [
                key.value
                for key in kw.value.keys
                if isinstance(key, ast.Constant) and isinstance(key.value, str)
            ]
    return found


def _scope_filters() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        if path == POLICY or "migrations" in path.parts:
            continue
        finder = _Finder(path.relative_to(SOURCE).as_posix())
        finder.visit(ast.parse(path.read_text(encoding="utf-8")))
        found |= finder.found
    return found


def _allowed(where: str, field: str) -> bool:
    path = where.split("::")[0]
    for key in (where, f"{path}::*"):
        if key in ALLOWED and field in ALLOWED[key][0]:
            return True
    return False


def test_no_module_outside_the_policy_filters_by_scope_fields() -> None:
    """A new queryset filter by a unit's fields outside directory/policy.py fails here: add a
    rule to the policy (or an OWNERS row) and call it instead."""
    found = _scope_filters()
    local = sorted(f"{where}: {field}" for where, field in found if not _allowed(where, field))
    assert local == [], "scope decided outside directory/policy.py:\n" + "\n".join(local)


def test_the_allow_list_only_shrinks() -> None:
    """An entry whose code no longer filters by those fields is struck off the list."""
    found = _scope_filters()
    stale = []
    for key, (fields, _reason) in ALLOWED.items():
        path, function = key.split("::")
        used = {
            field
            for where, field in found
            if where.split("::")[0] == path and function in ("*", where.split("::")[1])
        }
        if not used or (function != "*" and used != fields):
            stale.append(f"{key}: listed {sorted(fields)}, found {sorted(used)}")
    assert stale == [], "stale entries of ALLOWED:\n" + "\n".join(stale)


def test_the_check_sees_a_local_scope_filter() -> None:
    """The check itself: the filters it must catch, written the ways code writes them."""
    source = (
        "def leak(user):\n"
        "    Record.objects.filter(division_code__startswith=user.scope_code)\n"
        "    Record.objects.filter(Q(reporting_department_id=user.department_id))\n"
        "    Case.objects.exclude(**{'record__reporting_government': user.unit})\n"
        "    return record.division_code.startswith(user.scope_code)\n"
    )
    finder = _Finder("records/leak.py")
    finder.visit(ast.parse(source))
    assert finder.found == {
        ("records/leak.py::leak", "division_code"),
        ("records/leak.py::leak", "reporting_department_id"),
        ("records/leak.py::leak", "reporting_government"),
        ("records/leak.py::leak", PREFIX),
    }
