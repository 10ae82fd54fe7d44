"""Login, logout, and the administrator's pages for users and their roles."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from donghanh.accounts import services
from donghanh.accounts.access import PUBLIC, login_only, scoped
from donghanh.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    PasswordSetForm,
    RoleAssignmentForm,
    UserCreateForm,
    UserEditForm,
    password_fields_bound,
)
from donghanh.accounts.http import AppRequest, safe_next_url
from donghanh.accounts.models import RoleAssignment
from donghanh.accounts.permissions import Capability
from donghanh.accounts.roles import Role
from donghanh.accounts.scope import scope_for
from donghanh.accounts.second_factor import has_second_factor
from donghanh.accounts.selectors import api_tokens_of, history_of_user, units_to_assign, user_search, users_for_user
from donghanh.core.forms import apply_service_errors
from donghanh.core.pagination import paginate
from donghanh.core.versions import StaleVersion, loaded_version, version_conflict, with_version


class LoginView(auth_views.LoginView):
    access_declaration = PUBLIC
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    access_declaration = PUBLIC


@scoped(Capability.VIEW_USERS)
def user_list(request: AppRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    users = user_search(request.user, query, role if role in Role.values else "")
    page = paginate(request, users)
    context = {
        "page": page,
        "query": query,
        "role": role,
        "roles": Role.choices,
        "can_manage": scope_for(request.user).can(Capability.MANAGE_USERS),
    }
    template = "accounts/user_list.html#table" if request.htmx else "accounts/user_list.html"
    return render(request, template, context)


def _detail_context(request: AppRequest, account: Any, role_form: RoleAssignmentForm) -> dict[str, Any]:
    scope = scope_for(request.user)
    return {
        "account": account,
        "can_manage": scope.can(Capability.MANAGE_USERS),
        "history": history_of_user(account) if scope.can(Capability.VIEW_CHANGE_HISTORY) else None,
        "tokens": api_tokens_of(account) if scope.can(Capability.MANAGE_USERS) else None,
        "second_factor_on": has_second_factor(account),
        "role_form": role_form,
    }


@scoped(Capability.VIEW_USERS)
def user_detail(request: AppRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(users_for_user(request.user), pk=pk)
    form = RoleAssignmentForm(units=units_to_assign(request.user))
    return render(request, "accounts/user_detail.html", _detail_context(request, account, form))


@scoped(Capability.MANAGE_USERS)
def user_create(request: AppRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.user_create(
                actor=request.user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                error = ValidationError({"password": error.messages})
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Account “%(name)s” created. Now give it a role.") % {"name": account})
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "title": _("New user")})


@scoped(Capability.MANAGE_USERS)
def user_edit(request: AppRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(users_for_user(request.user), pk=pk)
    form = with_version(UserEditForm(request.POST or None, instance=account), account)
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        account.refresh_from_db()
        try:
            services.user_update(actor=request.user, user=account, expected_version=loaded_version(form), **fields)
        except StaleVersion as stale:
            conflict = version_conflict(form, stale)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": account, "title": _("Edit %s") % account, "version_conflict": conflict},
        status=409 if conflict else 200,
    )


@scoped(Capability.MANAGE_USERS)
def user_password(request: AppRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(users_for_user(request.user), pk=pk)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user,
                user=account,
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form.add_error("password", error)
        else:
            messages.success(
                request, _("Password set. The user must change it at their next login; their sessions ended.")
            )
            return redirect("accounts:detail", pk=account.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "account": account, "title": _("New password for %s") % account},
    )


@require_POST
@scoped(Capability.MANAGE_USERS)
def role_add(request: AppRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(users_for_user(request.user), pk=pk)
    form = RoleAssignmentForm(request.POST, units=units_to_assign(request.user))
    if form.is_valid():
        try:
            services.role_assignment_add(
                actor=request.user,
                user=account,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data["unit"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Role added."))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, account, form), status=400)


@require_POST
@scoped(Capability.MANAGE_USERS)
def role_remove(request: AppRequest, pk: int, assignment_pk: int) -> HttpResponse:
    account = get_object_or_404(users_for_user(request.user), pk=pk)
    assignment = get_object_or_404(
        RoleAssignment.objects.accessible_to(request.user).select_related("unit", "user"),
        pk=assignment_pk,
        user=account,
    )
    try:
        services.role_assignment_remove(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Role removed."))
    return redirect("accounts:detail", pk=account.pk)


@login_only
def password_change(request: AppRequest) -> HttpResponse:
    """The user's own password: the current one, then the new one twice (the password rules apply). A user whose
    password an administrator set is sent here from every page (`PasswordChangeMiddleware`) and, once it is changed,
    on to the page they asked for."""
    required = request.user.password_change_required
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_own_password(
                user=request.user,
                current=form.cleaned_data["old_password"],
                new=form.cleaned_data["new_password1"],
                session_key=request.session.session_key,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)  # this session goes on; the others ended
            messages.success(request, _("Your password was changed. Your other sessions and API tokens were ended."))
            return redirect(safe_next_url(request) if required else "password_change")
    password_fields_bound(form)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/password_change.html", {"form": form, "required": required}, status=status)


@login_only
def api_token(request: AppRequest) -> HttpResponse:
    """The user's own API tokens: make one (its key is shown once), see each with its last use, revoke one."""
    issued = None
    form = ApiTokenForm()
    status = 200
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token = get_object_or_404(api_tokens_of(request.user), pk=request.POST.get("token", ""))
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
        return redirect("api_token")
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                issued = services.api_token_issue(
                    actor=request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                form = ApiTokenForm()
        if issued is None:
            status = 400
    context = {"issued": issued, "form": form, "tokens": api_tokens_of(request.user)}
    return render(request, "accounts/api_token.html", context, status=status)


@require_POST
@scoped(Capability.MANAGE_USERS)
def token_revoke(request: AppRequest, pk: int) -> HttpResponse:
    """An administrator revokes one of a user's API tokens."""
    account = get_object_or_404(users_for_user(request.user), pk=pk)
    token = get_object_or_404(api_tokens_of(account), pk=request.POST.get("token", ""))
    try:
        services.api_token_revoke(actor=request.user, token=token)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:detail", pk=account.pk)
