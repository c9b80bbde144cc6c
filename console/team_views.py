"""The Team page: everyone sees the members; Admins add, change roles and remove."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console import audit, invitations
from console.membership import load_project
from console.models import AuditEvent, Membership, User
from console.team_forms import AddMemberForm, RoleForm

LAST_ADMIN = "{email} is the last Admin of {project}. Make another member an Admin first."


def _render(request, project, form, invite=None, status=200):
    memberships = project.memberships.select_related("user").order_by("user__email")
    ctx = {
        "memberships": memberships,
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

    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    try:
        with transaction.atomic():
            user = User.objects.filter(email=email).first()
            new_account = user is None
            if new_account:
                # No usable password until they follow the one-time link.
                user = User.objects.create_user(email=email, password=None)
            Membership.objects.create(user=user, project=project, role=role)
            token = None
            if not user.has_usable_password():
                invitation, token = invitations.issue(user, project, request.user)
    except IntegrityError:
        form.add_error("email", f"{email} is already a member of this project.")
        return _render(request, project, form, status=400)

    audit.record(
        request,
        AuditEvent.Action.MEMBER_ADDED,
        project=project,
        member=email,
        role=role,
        new_account=new_account,
    )
    if token is None:
        messages.success(request, f"{email} was added as {Membership.Role(role).label}.")
        return redirect("team", public_id)

    # The link is shown in this response only; it is stored nowhere in clear.
    link = request.build_absolute_uri(reverse("set_password", args=[token]))
    invite = {"email": email, "link": link, "expires_at": invitation.expires_at}
    return _render(request, project, AddMemberForm(project), invite=invite)


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
        # Their keys stay; pending links for this project stop working.
        target.user.invitations.filter(project=project, used_at__isnull=True).delete()
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
