"""The Team page: everyone sees the members; Admins add, change roles and remove."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console import audit, invitations
from console.membership import load_project
from console.models import AuditEvent, Membership
from console.team_forms import AddMemberForm, RoleForm

LAST_ADMIN = "{email} is the last Admin of {project}. Make another member an Admin first."


def _render(request, project, form, invite=None, status=200):
    memberships = project.memberships.select_related("user").order_by("user__email")
    ctx = {
        "memberships": memberships,
        "pending": invitations.pending(project).select_related("created_by"),
        "form": form,
        "invite": invite,
        "roles": Membership.Role.choices,
        "page": "team",
    }
    return render(request, "console/team.html", ctx, status=status)


def team(request, public_id):
    project = load_project(request, public_id, admin=request.method == "POST")
    if request.method != "POST":
        return _render(request, project, AddMemberForm(project))

    form = AddMemberForm(project, request.POST)
    if not form.is_valid():
        return _render(request, project, form, status=400)

    # The same answer whether or not the email has an account: a link to hand
    # over. Nobody joins without it, so typing an email reveals nothing and
    # puts nobody into the project.
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    with transaction.atomic():
        invitation, token = invitations.issue(email, project, role, request.user)
        audit.record(
            request, AuditEvent.Action.MEMBER_INVITED, project=project, member=email, role=role
        )

    # The link is shown in this response only; it is stored nowhere in clear.
    link = request.build_absolute_uri(reverse("invitation_link", args=[token]))
    invite = {"email": email, "link": link, "expires_at": invitation.expires_at}
    return _render(request, project, AddMemberForm(project), invite=invite)


@require_POST
def cancel_invitation(request, public_id, invitation_id):
    project = load_project(request, public_id, admin=True)
    with transaction.atomic():
        invitation = get_object_or_404(invitations.pending(project), id=invitation_id)
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
        target = get_object_or_404(
            Membership.objects.select_for_update().select_related("user"),
            id=membership_id,
            project=project,
        )
        old_role = target.role
        if old_role == role:
            return redirect("team", public_id)
        if target.is_admin and _is_last_admin(project):
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


@require_POST
def remove_member(request, public_id, membership_id):
    project = load_project(request, public_id, admin=True)
    with transaction.atomic():
        target = get_object_or_404(
            Membership.objects.select_for_update().select_related("user"),
            id=membership_id,
            project=project,
        )
        if target.is_admin and _is_last_admin(project):
            messages.error(request, LAST_ADMIN.format(email=target.user.email, project=project))
            return redirect("team", public_id)
        # Their keys stay; a pending link for them to this project stops working.
        invitations.pending(project).filter(email=target.user.email).delete()
        target.delete()
        audit.record(
            request,
            AuditEvent.Action.MEMBER_REMOVED,
            project=project,
            member=target.user.email,
            role=target.role,
        )
    messages.success(request, f"{target.user.email} was removed from {project.name}.")
    if target.user_id == request.user.id:
        return redirect("home")
    return redirect("team", public_id)


def _is_last_admin(project) -> bool:
    # Lock the Admin rows so two Admins cannot demote each other at once.
    admins = list(
        Membership.objects.select_for_update()
        .filter(project=project, role=Membership.Role.ADMIN)
        .values_list("id", flat=True)
    )
    return len(admins) <= 1
