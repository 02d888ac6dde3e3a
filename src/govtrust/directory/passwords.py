"""Password complexity (等保 8.1.4.1 a): at least three of four character classes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class ComplexityValidator:
    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                "密码须包含大写字母、小写字母、数字、特殊字符中的至少三类", code="password_simple"
            )

    def get_help_text(self) -> str:
        return "密码须包含大写字母、小写字母、数字、特殊字符中的至少三类。"
