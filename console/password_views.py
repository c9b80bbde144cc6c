"""Forgot password: a mailed one-time link that sets a new password.

The request gets the same answer, after the same work, whether or not the
email has an account: a mail goes to the address either way (the reset link,
or a note that no account uses it), so neither the page, nor its timing, nor
a mail server that is down tells who has an account. Each request counts as
a failed sign-in of that email and address (django-axes), and an address
gets at most accounts.MAILS_PER_HOUR such mails an hour.

The link `/password-reset/<token>/` swaps its token for the session and moves
on to `/password-reset/`, as invitation links do, so the token leaves no
trace in later URLs, Referers or logs (console.log_redaction masks it).
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from console import accounts, audit, mail, sessions, two_factor
from console.forms import ForgotPasswordForm
from console.models import AuditEvent
from console.team_forms import SetPasswordForm

SESSION_KEY = "password_reset"
SENT = (
    "If an account exists for {email}, we sent it a link to set a new password. "
    "The link works once, for {minutes} minutes. Check your spam folder too."
)


@login_not_required
@never_cache
def forgot_password(request):
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        credentials = {"email": email}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request)
        # Counts towards the sign-in throttling of this email and address.
        AxesProxyHandler.user_login_failed(
            sender=forgot_password, credentials=credentials, request=request
        )
        audit.record(request, AuditEvent.Action.PASSWORD_RESET_REQUESTED, email=email)
        if getattr(request, "axes_locked_out", False):
            return locked_out(request)  # (django-axes' middleware answers the same)
        if accounts.mail_quota_left(email):
            try:
                _send_reset_mail(request, email)
            except mail.MailNotSent:
                accounts.forget_mail(email)
                form.add_error(None, mail.NOT_SENT)
                return render(request, "console/password_forgot.html", {"form": form}, status=503)
        minutes = accounts.reset_valid_minutes()
        messages.success(request, SENT.format(email=email, minutes=minutes))
        return redirect("signin")
    return render(request, "console/password_forgot.html", {"form": form})


def _send_reset_mail(request, email: str) -> None:
    user = accounts.account_for_reset(email)
    if user is None:
        mail.send("password_no_account", email, {"signin": request.build_absolute_uri("/")})
        return
    token = accounts.reset_token(user)
    link = request.build_absolute_uri(reverse("password_reset_link", args=[token]))
    mail.send(
        "password_reset",
        email,
        {"link": link, "minutes": accounts.reset_valid_minutes()},
    )


def locked_out(request):
    """Too many failed sign-ins (or reset requests) for this email or address: no mail."""
    from console.views import LOCKED_OUT, lockout_minutes

    form = ForgotPasswordForm(initial={"email": request.POST.get("email", "")})
    ctx = {"form": form, "locked_out": LOCKED_OUT.format(minutes=lockout_minutes())}
    return render(request, "console/password_forgot.html", ctx, status=429)


@login_not_required
@never_cache
def reset_link(request, token):
    state = accounts.open_reset_link(token)
    if state is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = state
    return redirect("password_reset")


@login_not_required
@sensitive_post_parameters("password1", "password2")
@never_cache
def reset_password(request):
    user = accounts.user_for_reset_state(request.session.get(SESSION_KEY))
    if user is None:
        request.session.pop(SESSION_KEY, None)
        return render(request, "console/password_reset_invalid.html", status=404)

    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user.set_password(form.cleaned_data["password1"])
            user.save(update_fields=["password"])
            # A new password ends every session (Django's session hash); the
            # generation makes sure of it, whatever the hash is built from.
            sessions.end_all_sessions(user)
            audit.record(request, AuditEvent.Action.PASSWORD_RESET, actor=user)
        request.session.pop(SESSION_KEY, None)
        mail.send_notice(request, user, "password_changed", {"how": "reset"})
        messages.success(
            request, "Your password is set. Sign in with it (and your code, if you use two-factor)."
        )
        return redirect("signin")
    ctx = {"form": form, "reset_user": user, "has_two_factor": two_factor.has_two_factor(user)}
    return render(request, "console/password_reset.html", ctx)
