"""Sign-up pages (SIGNUP=open): the email, then, from the mailed link, a password
and the name of the first project. With sign-up closed they do not exist (404)."""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from console import accounts, audit, mail, signup
from console.forms import ForgotPasswordForm
from console.models import AuditEvent, Project, User
from console.project_views import create_project
from console.team_forms import SetPasswordForm
from console.text_rules import has_control_characters

SESSION_KEY = "signup"
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"
SENT = (
    "We sent a link to {email}. Open it within 24 hours to choose your password. "
    "Check your spam folder too."
)


class SignUpForm(ForgotPasswordForm):
    def clean_email(self):
        email = super().clean_email()
        if not signup.domain_allowed(email):
            raise forms.ValidationError(
                f"Sign-up is open to addresses at {signup.allowed_domains_text()} only."
            )
        return email


class FinishSignUpForm(SetPasswordForm):
    project_name = forms.CharField(
        label="Name of your first project",
        max_length=100,
        initial="My project",
        help_text="You can rename it later, and create more projects.",
    )

    def clean_project_name(self):
        name = self.cleaned_data["project_name"].strip()
        if not name:
            raise forms.ValidationError("Name your first project.")
        if has_control_characters(name):
            raise forms.ValidationError("The name cannot contain control characters.")
        return name


def _require_open():
    if not signup.is_open():
        raise Http404("Sign-up is closed.")


@login_not_required
@never_cache
def signup_start(request):
    _require_open()
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        credentials = {"email": email}
        # Counted like a failed sign-in, as a reset request is: no flooding from one
        # address, and at most accounts.MAILS_PER_HOUR mails an hour to one mailbox.
        if not AxesProxyHandler.is_allowed(request, credentials):
            return _locked_out(request, form)
        AxesProxyHandler.user_login_failed(
            sender=signup_start, credentials=credentials, request=request
        )
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, form)
        if accounts.mail_quota_left(email):
            try:
                _send_mail(request, email)
            except mail.MailNotSent:
                accounts.forget_mail(email)
                form.add_error(None, mail.NOT_SENT)
                return render(request, "console/signup.html", {"form": form}, status=503)
        messages.success(request, SENT.format(email=email))
        return redirect("signin")
    return render(request, "console/signup.html", {"form": form})


def _locked_out(request, form):
    from console.views import LOCKED_OUT, lockout_minutes

    ctx = {"form": form, "locked_out": LOCKED_OUT.format(minutes=lockout_minutes())}
    return render(request, "console/signup.html", ctx, status=429)


def _send_mail(request, email: str) -> None:
    if User.objects.filter(email=email).exists():
        forgot = request.build_absolute_uri(reverse("password_forgot"))
        mail.send("signup_exists", email, {"forgot": forgot})
        return
    link = request.build_absolute_uri(reverse("signup_link", args=[signup.make_token(email)]))
    mail.send("signup_verify", email, {"link": link})


@login_not_required
@never_cache
def signup_link(request, token):
    _require_open()
    state = signup.open_link(token)
    if state is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = state
    return redirect("signup_finish")


def _invalid(request):
    request.session.pop(SESSION_KEY, None)
    return render(request, "console/signup_invalid.html", status=404)


@login_not_required
@sensitive_post_parameters("password1", "password2")
@never_cache
def signup_finish(request):
    _require_open()
    email = signup.email_of(request.session.get(SESSION_KEY))
    if email is None or User.objects.filter(email=email).exists():
        return _invalid(request)
    form = FinishSignUpForm(User(email=email), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=form.cleaned_data["password1"]
                )
                login(request, user, backend=PASSWORD_BACKEND)
                audit.record(request, AuditEvent.Action.SIGNED_UP, actor=user)
                project = create_project(
                    request,
                    name=form.cleaned_data["project_name"],
                    description="",
                    passphrase_mode=Project.PassphraseMode.MANAGED,
                )
        except IntegrityError:
            # The same link, used twice at once: the other request made the account.
            return _invalid(request)
        request.session.pop(SESSION_KEY, None)
        messages.success(request, f"Welcome. Your account and “{project.name}” are ready.")
        return redirect("accesskeys:index", project.public_id)
    return render(request, "console/signup_finish.html", {"form": form, "email": email})
