"""The pages of a forgotten password: ask for a link, the answer, and the page the link opens (see
`donghanh.accounts.password_reset`). All are public: whoever uses them is not logged in."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from donghanh.accounts import services
from donghanh.accounts.access import PUBLIC
from donghanh.accounts.forms import NewPasswordForm, PasswordResetRequestForm
from donghanh.accounts.password_reset import PasswordResetAddressThrottle, PasswordResetEmailThrottle, link_lifetime
from donghanh.accounts.tasks import password_reset_mail
from donghanh.core.forms import apply_service_errors
from donghanh.core.throttles import RateThrottle


class PasswordResetRequestView(auth_views.PasswordResetView):
    """The e-mail address of the account: the answer is the same page whether or not an account has it."""

    access_declaration = PUBLIC
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("password_reset_sent")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = self._refused(PasswordResetAddressThrottle())
        return refused or super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        refused = self._refused(PasswordResetEmailThrottle(email))
        if refused:
            return refused
        request = self.request
        password_reset_mail.enqueue(email=email, domain=request.get_host(), use_https=request.is_secure())
        return HttpResponseRedirect(self.get_success_url())

    def _refused(self, throttle: RateThrottle) -> HttpResponse | None:
        """Past the rate: the form again, saying when to try again, with 429 and `Retry-After`."""
        if throttle.allow_request(self.request, self):
            return None
        seconds = max(1, math.ceil(throttle.wait() or 1))
        minutes = math.ceil(seconds / 60)
        context = self.get_context_data(form=self.get_form_class()(), retry_minutes=minutes)
        response = render(self.request, self.template_name, context, status=429)
        response["Retry-After"] = str(seconds)
        return response


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    access_declaration = PUBLIC
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "lifetime": link_lifetime()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The page a link opens: Django checks the link (and moves its token out of the address), then the new
    password is set by `services.user_reset_password` and the user is sent to log in."""

    access_declaration = PUBLIC
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("login")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form: Any) -> HttpResponse:
        user = self.user
        if user is None:  # the form is reached only through a valid link
            raise PermissionDenied
        if self.request.user.is_authenticated:
            logout(self.request)  # whoever was logged in in this browser: the next step is logging in
        try:
            services.user_reset_password(user=user, new=form.cleaned_data["new_password1"])
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(
            self.request, _("Your new password is set and your other sessions were ended. Log in with it.")
        )
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)
