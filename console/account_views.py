"""The user's own account page: the password, two-factor sign-in on and off,
recovery codes. Each change mails a notice to the account's address."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from console import audit, mail, sessions, two_factor
from console.models import AuditEvent
from console.team_forms import ChangePasswordForm
from console.two_factor_forms import CodeForm, SetupForm
from console.views import _safe_next as safe_next


def _account_page(
    request, regenerate_form=None, turn_off_form=None, password_form=None, status=200
):
    user = request.user
    ctx = {
        "password_form": password_form or ChangePasswordForm(user),
        "has_two_factor": two_factor.has_two_factor(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "regenerate_form": regenerate_form or CodeForm(user, prefix="regenerate"),
        "turn_off_form": turn_off_form or CodeForm(user, prefix="turn_off"),
        "required_by": [
            m.project
            for m in user.memberships.select_related("project").filter(
                project__require_two_factor=True
            )
        ],
        "page": "account",
    }
    return render(request, "console/account.html", ctx, status=status)


def account(request):
    return _account_page(request)


@require_POST
@sensitive_post_parameters("current_password", "password1", "password2")
def change_password(request):
    """Current password, new password twice; every other session of the account ends."""
    user = request.user
    form = ChangePasswordForm(user, request.POST)
    if not form.is_valid():
        if "current_password" in form.errors:
            # A wrong current password counts as a failed sign-in (django-axes):
            # a borrowed session cannot guess it at leisure.
            AxesProxyHandler.user_login_failed(
                sender=change_password, credentials={"email": user.email}, request=request
            )
        return _account_page(request, password_form=form, status=400)
    with transaction.atomic():
        user.set_password(form.cleaned_data["password1"])
        user.save(update_fields=["password"])
        sessions.end_other_sessions(request, user)
        audit.record(request, AuditEvent.Action.PASSWORD_CHANGED)
    mail.send_notice(request, user, "password_changed", {"how": "change"})
    messages.success(
        request,
        "Your password is changed. Every other browser signed in to your account was signed out.",
    )
    return redirect("account")


def _recovery_codes_page(request, codes, *, first_time: bool):
    ctx = {"codes": codes, "first_time": first_time, "next": safe_next(request)}
    return render(request, "console/recovery_codes.html", ctx)


@sensitive_post_parameters("code")
def two_factor_setup(request):
    """Show the secret (QR code, URI, text) and turn two-factor on with a first code."""
    user = request.user
    if two_factor.has_two_factor(user):
        messages.info(request, "Two-factor authentication is already on.")
        return redirect("account")
    device = two_factor.unconfirmed_app(user)
    form = SetupForm(request.POST or None)
    # django-otp doubles the wait after each wrong code; a code sent sooner is refused.
    wait = two_factor.wait_seconds(user, [device])
    if request.method == "POST" and form.is_valid() and wait:
        form.add_error("code", two_factor.wait_message(wait))
    elif request.method == "POST" and form.is_valid():
        with transaction.atomic():
            codes = two_factor.confirm(device, form.cleaned_data["code"])
            if codes is not None:
                audit.record(request, AuditEvent.Action.TWO_FACTOR_ENABLED)
        if codes is not None:
            device.refresh_from_db()
            # This session has now shown a code: projects that require it open.
            otp_login(request, device)
            # Sessions signed in with the password alone end: from now on every
            # sign-in asks for a code.
            sessions.end_other_sessions(request, user)
            mail.send_notice(request, user, "security_notice", {"event": "two_factor_on"})
            return _recovery_codes_page(request, codes, first_time=True)
        form.add_error(
            "code",
            "That code does not match. Check that the time on your phone is right, "
            "and enter the code the app shows now.",
        )
    uri = device.config_url
    ctx = {
        "form": form,
        "otpauth_uri": uri,
        "qr_svg": two_factor.qr_svg(uri),
        "secret": two_factor.secret_text(device),
        "next": safe_next(request),
        "page": "account",
    }
    return render(request, "console/two_factor_setup.html", ctx)


@require_POST
@sensitive_post_parameters("regenerate-code")
def two_factor_recovery_codes(request):
    """New recovery codes (the old ones stop working), with a current code."""
    form = CodeForm(request.user, request.POST, prefix="regenerate")
    if not two_factor.has_two_factor(request.user):
        return redirect("account")
    if not form.is_valid():
        return _account_page(request, regenerate_form=form)
    with transaction.atomic():
        codes = two_factor.new_recovery_codes(request.user)
        audit.record(request, AuditEvent.Action.RECOVERY_CODES_REGENERATED)
    mail.send_notice(request, request.user, "security_notice", {"event": "recovery_codes"})
    return _recovery_codes_page(request, codes, first_time=False)


@require_POST
@sensitive_post_parameters("turn_off-code")
def two_factor_turn_off(request):
    form = CodeForm(request.user, request.POST, prefix="turn_off")
    if not two_factor.has_two_factor(request.user):
        return redirect("account")
    if not form.is_valid():
        return _account_page(request, turn_off_form=form)
    with transaction.atomic():
        two_factor.turn_off(request.user)
        audit.record(request, AuditEvent.Action.TWO_FACTOR_DISABLED)
    mail.send_notice(request, request.user, "security_notice", {"event": "two_factor_off"})
    messages.success(request, "Two-factor authentication is off.")
    return redirect("account")
