"""Password validators with the messages Django 5.2 has no Chinese for."""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule; its 5.2 error message is untranslated in zh_Hans, so say it here."""

    def get_error_message(self) -> str:
        return f"密码太短, 至少需要 {self.min_length} 个字符。"
