"""Pages every signed-in user has for their own account: changing the password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy

from portal.accounts import services


class PasswordChange(PasswordChangeView):
    """Django's view (sign-in required, old password checked, the settings' validators), with the
    write going through the audited service; the session stays signed in after the change."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("password-change")

    def form_valid(self, form: Any) -> HttpResponse:
        assert isinstance(form, PasswordChangeForm)
        user = form.user
        services.user_password_change(
            user=user, password=form.cleaned_data["new_password1"], actor=user
        )
        # Keeps this session signed in; the user's other sessions end with the old password.
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "密码已修改。下次登录请使用新密码。")
        return HttpResponseRedirect(self.get_success_url())


password_change = PasswordChange.as_view()
