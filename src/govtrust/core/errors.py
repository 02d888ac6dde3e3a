"""The one exception services raise for a refusal a user must read (in Chinese)."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. `errors` pairs a field name with a message."""

    status = 400

    def __init__(self, detail: str, *, errors: list[tuple[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotFound(DomainError):
    """Absent, or outside the caller's data scope: the two are indistinguishable on purpose."""

    status = 404

    def __init__(self, detail: str = "对象不存在或不在您的数据范围内") -> None:
        super().__init__(detail)


class Forbidden(DomainError):
    status = 403

    def __init__(self, detail: str = "您的角色无权执行此操作") -> None:
        super().__init__(detail)


class Conflict(DomainError):
    status = 409


class Throttled(DomainError):
    """Too many requests from one address or contact: 429, never a 500."""

    status = 429

    def __init__(self, detail: str = "请求过于频繁，请稍后再试", *, retry_after: int = 60) -> None:
        super().__init__(detail)
        self.retry_after = retry_after
