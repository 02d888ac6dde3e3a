"""The `govtrust` console script that operators and scripts rely on."""

from __future__ import annotations

import io

import pytest

from govtrust.cli import main
from govtrust.directory.models import ApiToken, User
from govtrust.directory.services import department_create, token_digest
from tests.conftest import government

pytestmark = pytest.mark.django_db


def _createuser(monkeypatch: pytest.MonkeyPatch, password: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["createuser", *args, "--password-stdin"])


def test_createuser_with_department(
    directory: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    department_create(government=government("620102"), name="城关区财政局")
    code = _createuser(
        monkeypatch,
        "Strong-Pass-2026",
        "zhang",
        "--role",
        "clerk",
        "--unit",
        "620102",
        "--department",
        "城关区财政局",
        "--name",
        "张敏",
    )
    assert code == 0, capsys.readouterr().err
    user = User.objects.get(username="zhang")
    assert user.role == "clerk" and user.unit.division_id == "620102"
    assert user.department is not None and user.check_password("Strong-Pass-2026")
    assert user.first_name == "张敏"


@pytest.mark.parametrize(
    ("password", "args", "message"),
    [
        ("short", ["--role", "clerk", "--unit", "620102"], "密码"),
        ("alllowercaseletters", ["--role", "clerk", "--unit", "620102"], "至少三类"),
        ("Strong-Pass-2026", ["--role", "clerk", "--unit", "999999"], "行政区划代码不存在"),
        (
            "Strong-Pass-2026",
            ["--role", "clerk", "--unit", "620102", "--department", "无此局"],
            "没有部门",
        ),
    ],
)
def test_createuser_refusals(
    directory: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    password: str,
    args: list[str],
    message: str,
) -> None:
    assert _createuser(monkeypatch, password, "li", *args) == 2
    assert message in capsys.readouterr().err
    assert not User.objects.filter(username="li").exists()


def test_token_prints_only_the_token(
    directory: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _createuser(monkeypatch, "Strong-Pass-2026", "wang", "--role", "reviewer", "--unit", "6201")
    capsys.readouterr()
    assert main(["token", "wang"]) == 0
    out = capsys.readouterr().out
    token = out.strip()
    assert out == token + "\n" and token.startswith("gt_")
    stored = ApiToken.objects.get(user__username="wang")
    assert stored.digest == token_digest(token) and token not in stored.digest


def test_token_for_unknown_user_fails(directory: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "nobody"]) == 2
    assert capsys.readouterr().out == ""
