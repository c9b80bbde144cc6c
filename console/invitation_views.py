"""Following an invitation link: sign in as its email and join, or set a first password.

The link `/invitations/<token>/` only swaps its token for the invitation's id
in the session and redirects to `/invitation/`, so the token appears in one
request line (which the log filter in console.log_redaction masks) and in no
later URL or Referer.
"""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from console import audit, invitations
from console.models import AuditEvent, Membership, User
from console.team_forms import SetPasswordForm

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@login_not_required
@never_cache
def open_link(request, token):
    invitation = invitations.find_by_token(token)
    if invitation is not None and invitations.find_valid(invitation.pk) is not None:
        request.session[invitations.SESSION_KEY] = invitation.pk
    else:
        request.session.pop(invitations.SESSION_KEY, None)
    return redirect("invitation")


def _invalid(request):
    request.session.pop(invitations.SESSION_KEY, None)
    return render(request, "console/invitation_invalid.html", status=404)


@login_not_required
@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation(request):
    invitation = invitations.find_valid(request.session.get(invitations.SESSION_KEY))
    if invitation is None:
        return _invalid(request)

    ctx = {
        "invitation": invitation,
        "role": Membership.Role(invitation.role).label,
    }
    if request.user.is_authenticated:
        if request.user.email == invitation.email:
            if request.method == "POST":
                return _accept(request, invitation)
            return render(request, "console/invitation.html", {**ctx, "step": "accept"})
        if request.method == "POST":
            return _switch_account(request, invitation)
        return render(request, "console/invitation.html", {**ctx, "step": "switch"})

    account = User.objects.filter(email=invitation.email).first()
    if account is not None and not invitations.never_had_password(account):
        sign_in = reverse("signin") + "?" + urlencode({"next": reverse("invitation")})
        return render(
            request, "console/invitation.html", {**ctx, "step": "sign_in", "sign_in": sign_in}
        )

    if not invitations.may_set_first_password(invitation):
        # A link shown to an Admin (before invitations were mailed) proves nothing
        # about the mailbox: it cannot give the email its first password.
        return render(request, "console/invitation.html", {**ctx, "step": "not_mailed"})

    form = SetPasswordForm(account or User(email=invitation.email), request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _set_password(request, invitation, form.cleaned_data["password1"])
    return render(request, "console/invitation.html", {**ctx, "step": "set_password", "form": form})


def _record_joined(request, invitation, user):
    audit.record(
        request,
        AuditEvent.Action.MEMBER_JOINED,
        project=invitation.project,
        actor=user,
        role=invitation.role,
        invited_by=invitation.created_by.email if invitation.created_by else "",
    )


def _accept(request, invitation):
    try:
        with transaction.atomic():
            joined = invitations.accept(invitation, request.user)
            if joined:
                _record_joined(request, invitation, request.user)
    except invitations.AlreadyUsed:
        return _invalid(request)
    request.session.pop(invitations.SESSION_KEY, None)
    project = invitation.project
    if joined:
        messages.success(request, f"Welcome to {project.name}.")
    else:
        messages.info(request, f"You are already a member of {project.name}.")
    return redirect("accesskeys:index", project.public_id)


def _switch_account(request, invitation):
    """Sign out the other account and come back to the same invitation."""
    audit.record(request, AuditEvent.Action.SIGN_OUT)
    logout(request)
    request.session[invitations.SESSION_KEY] = invitation.pk
    return redirect("invitation")


def _set_password(request, invitation, password):
    try:
        with transaction.atomic():
            user = invitations.set_first_password(invitation, password)
            audit.record(
                request, AuditEvent.Action.PASSWORD_SET, project=invitation.project, actor=user
            )
            _record_joined(request, invitation, user)
    except invitations.AlreadyUsed:
        return _invalid(request)
    except invitations.NotMailed:
        return redirect("invitation")
    except invitations.AccountHasPassword:
        # Someone set the account's password meanwhile: the page now asks to sign in.
        return redirect("invitation")
    login(request, user, backend=PASSWORD_BACKEND)
    request.session.pop(invitations.SESSION_KEY, None)
    project = invitation.project
    messages.success(request, f"Welcome to {project.name}. Your password is set.")
    return redirect("accesskeys:index", project.public_id)
