"""The one-time link: a newly added user sets a password and is signed in."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from console import audit, invitations
from console.models import AuditEvent, Invitation
from console.team_forms import SetPasswordForm


@login_not_required
@sensitive_post_parameters("password1", "password2")
@never_cache
def set_password(request, token):
    invitation = invitations.find_valid(token)
    if invitation is None:
        return render(request, "console/team_invitation_invalid.html", status=404)

    user = invitation.user
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Claim the link first: of two simultaneous submissions only one wins.
        claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not claimed:
            return render(request, "console/team_invitation_invalid.html", status=404)
        user.set_password(form.cleaned_data["password1"])
        user.save(update_fields=["password"])
        login(request, user)
        audit.record(
            request, AuditEvent.Action.PASSWORD_SET, project=invitation.project, actor=user
        )
        messages.success(request, f"Welcome to {invitation.project.name}. Your password is set.")
        return redirect("accesskeys:index", invitation.project.public_id)

    ctx = {"form": form, "invited_email": user.email, "project_name": invitation.project.name}
    return render(request, "console/team_invitation.html", ctx)
