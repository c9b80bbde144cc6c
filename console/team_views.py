"""The Team page: everyone sees the members; Admins add and change roles.

Removing a member (and leaving) is accesskeys.offboarding_views: it first asks
what becomes of the person's access keys."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from console import audit, invitations, mail
from console.membership import (
    LAST_ADMIN,
    MembershipChanged,
    is_last_admin,
    load_project,
    lock_memberships,
)
from console.models import AuditEvent, Membership
from console.team_forms import AddMemberForm, RoleForm


def _render(request, project, form, reinvite=None, status=200):
    memberships = list(project.memberships.select_related("user").order_by("user__email"))
    admin_count = sum(m.is_admin for m in memberships)
    for m in memberships:
        m.is_last_admin = is_last_admin(m, admin_count)
    ctx = {
        "memberships": memberships,
        # Pending and expired alike: an expired one stays, to be sent again.
        "invitations": invitations.unused(project).select_related("created_by"),
        "form": form,
        "reinvite": reinvite,
        "roles": Membership.Role.choices,
        "page": "team",
    }
    return render(request, "console/team.html", ctx, status=status)


def _sent_message(email: str, again: bool = False) -> str:
    text = f"Invitation sent to {email}."
    if again:
        text += " The link of the earlier invitation no longer works."
    if mail.printed_only():
        text += " No mail server is set up: the console printed the mail in its terminal."
    return text


def _invite(request, project, email: str, role: str, *, again: bool) -> bool:
    """Make the invitation and mail its link, in one transaction: if the mail
    cannot go, no invitation is left (and an earlier one keeps working)."""
    try:
        with transaction.atomic():
            invitation, token = invitations.issue(email, project, role, request.user)
            audit.record(
                request,
                AuditEvent.Action.MEMBER_INVITED,
                project=project,
                member=email,
                role=role,
                **({"again": True} if again else {}),
            )
            invitations.send(request, invitation, token)
    except mail.MailNotSent:
        return False
    return True


def team(request, public_id):
    project = load_project(request, public_id, admin=request.method == "POST")
    if request.method != "POST":
        return _render(request, project, AddMemberForm(project))

    form = AddMemberForm(project, request.POST)
    if not form.is_valid():
        return _render(request, project, form, status=400)

    # The same answer whether or not the email has an account: the link goes to
    # the address, so only its reader can join (or set a first password).
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    earlier = invitations.unused(project).filter(email=email).first()
    if earlier is not None and not form.cleaned_data["again"]:
        # Ask first, with the role it was invited with: sending again replaces it.
        form = AddMemberForm(project, initial={"email": email, "role": earlier.role, "again": True})
        return _render(request, project, form, reinvite=earlier)
    if not _invite(request, project, email, role, again=earlier is not None):
        form.add_error(None, mail.NOT_SENT)
        return _render(request, project, form, status=503)
    messages.success(request, _sent_message(email, again=earlier is not None))
    return redirect("team", public_id)


@require_POST
def resend_invitation(request, public_id, invitation_id):
    """Send a pending or expired invitation again, with its role: a new link."""
    project = load_project(request, public_id, admin=True)
    invitation = get_object_or_404(invitations.unused(project), id=invitation_id)
    if Membership.objects.filter(project=project, user__email=invitation.email).exists():
        invitation.delete()
        messages.info(request, f"{invitation.email} is already a member of {project.name}.")
    elif _invite(request, project, invitation.email, invitation.role, again=True):
        messages.success(request, _sent_message(invitation.email, again=True))
    else:
        messages.error(request, mail.NOT_SENT)
    return redirect("team", public_id)


def _confirm(request, project, *, title: str, text: str, button: str, keep: str = "Cancel"):
    """GET of a change that cannot be undone: ask first, in a dialog (htmx) or a page.
    Its form posts back to the same address."""
    confirm = {
        "title": title,
        "text": text,
        "button": button,
        "keep": keep,
        "action": request.path,
        "back": reverse("team", args=[project.public_id]),
    }
    template = "console/confirm.html#dialog" if request.htmx else "console/confirm.html"
    return render(request, template, {"confirm": confirm, "page": "team"})


@require_http_methods(["GET", "POST"])
def cancel_invitation(request, public_id, invitation_id):
    project = load_project(request, public_id, admin=True)
    if request.method == "GET":
        invitation = get_object_or_404(invitations.unused(project), id=invitation_id)
        return _confirm(
            request,
            project,
            title=f"Cancel the invitation of {invitation.email}?",
            text=f"The link given to {invitation.email} stops working. You can invite them again.",
            button="Cancel invitation",
            keep="Keep it",
        )
    with transaction.atomic():
        invitation = get_object_or_404(invitations.unused(project), id=invitation_id)
        invitation.delete()
        audit.record(
            request,
            AuditEvent.Action.INVITATION_CANCELLED,
            project=project,
            member=invitation.email,
            role=invitation.role,
        )
    messages.success(request, f"The invitation of {invitation.email} no longer works.")
    return redirect("team", public_id)


@require_POST
def change_role(request, public_id, membership_id):
    project = load_project(request, public_id, admin=True)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Admin or Member.")
        return redirect("team", public_id)
    role = form.cleaned_data["role"]

    with transaction.atomic():
        locked = _lock_memberships(request, project, membership_id)
        if isinstance(locked, HttpResponse):
            return locked
        target, admin_count = locked
        old_role = target.role
        if old_role == role:
            return redirect("team", public_id)
        if is_last_admin(target, admin_count):
            messages.error(request, LAST_ADMIN.format(email=target.user.email, project=project))
            return redirect("team", public_id)
        target.role = role
        target.save(update_fields=["role"])
        audit.record(
            request,
            AuditEvent.Action.ROLE_CHANGED,
            project=project,
            member=target.user.email,
            old_role=old_role,
            new_role=role,
        )
    messages.success(request, f"{target.user.email} is now {target.get_role_display()}.")
    return redirect("team", public_id)


def _lock_memberships(request, project, membership_id):
    """The target and the number of Admins, locked (membership.lock_memberships), or
    the response to give instead when the actor lost their role or the project."""
    try:
        return lock_memberships(project, request.user, membership_id)
    except MembershipChanged as refused:
        messages.error(request, refused.message)
        if refused.leave_project:
            return redirect("home")
        return redirect("team", project.public_id)
