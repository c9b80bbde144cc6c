"""Loading a project for the signed-in user: authorization in one place.

Every view of a project calls `load_project`. A project the user is not a
member of does not exist for them (404); an Admin-only page answers a
Member with 403 and a message; a project that requires two-factor sign-in
is closed to a session signed in without it (see console.middleware).
"""

import contextlib
import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from console import audit, invitations, structured_logs
from console.models import AuditEvent, Membership, Project
from console.two_factor import TwoFactorRequired


def load_project(request, public_id, *, admin: bool = False) -> Project:
    # One query brings all of the user's memberships: the one asked for, and the
    # list the shell's project switcher shows (console.context_processors.shell).
    memberships = list(
        Membership.objects.select_related("project")
        .filter(user=request.user)
        .order_by("project__name", "project__created_at")
    )
    membership = next((m for m in memberships if str(m.project.public_id) == str(public_id)), None)
    if membership is None:
        raise Http404("No such project.")
    if membership.project.require_two_factor and not request.user.is_verified():
        raise TwoFactorRequired(membership.project)
    if admin and not membership.is_admin:
        raise PermissionDenied("Only project Admins can do this.")
    # The shell (menu, project switcher) reads these through a context processor.
    request.membership = membership
    request.project = membership.project
    structured_logs.set_project(membership.project.public_id, request.user.pk)
    request.user_memberships = memberships
    return membership.project


def project_named(name: str, user) -> Project:
    """The project of the user's that commands name by its name (or public id).

    Raises Project.DoesNotExist, saying why, when the user has no such project
    or several of that name.
    """
    projects = Project.objects.filter(memberships__user=user)
    matches = list(projects.filter(name=name))
    if not matches:
        with contextlib.suppress(ValueError):  # not an id either
            matches = list(projects.filter(public_id=uuid.UUID(name)))
    if not matches:
        raise Project.DoesNotExist(f"{user.email} is not a member of a project named {name!r}.")
    if len(matches) > 1:
        ids = ", ".join(str(p.public_id) for p in matches)
        raise Project.DoesNotExist(f"Several projects are named {name!r}; give its id: {ids}.")
    return matches[0]


def may_create_buckets(membership: Membership) -> bool:
    """Only Admins create buckets: on the Buckets page, in the New Access dialog and
    through the API (whose bucket creation is an Admin-only operation)."""
    return membership.is_admin


def is_last_admin(membership: Membership, admin_count: int) -> bool:
    """Every project keeps an Admin: its only Admin can be neither removed nor made
    a Member. The Team page does not offer either; the views refuse both."""
    return membership.is_admin and admin_count <= 1


LAST_ADMIN = "{email} is the last Admin of {project}. Make another member an Admin first."


class MembershipChanged(Exception):
    """A team change refused under the lock; `message` says why, `leave_project` whether
    the actor has lost the project (send them home) rather than just the right."""

    def __init__(self, message: str, leave_project: bool = False):
        super().__init__(message)
        self.message = message
        self.leave_project = leave_project


def lock_memberships(
    project, actor, membership_id: int, *, self_allowed: bool = False
) -> tuple[Membership, int]:
    """Lock the target's row and every Admin row, in id order, and check again.

    One order for every request: two Admins acting on each other at once wait
    in turn instead of deadlocking. The actor's role is read again under the
    lock, since the other request may have just changed it. Only Admins act on
    others; with `self_allowed`, anyone on themselves (leaving). Returns the
    target and the number of Admins; call inside a transaction.
    """
    rows = list(
        Membership.objects.select_for_update()
        .filter(project=project)
        .filter(Q(role=Membership.Role.ADMIN) | Q(id=membership_id) | Q(user=actor))
        .select_related("user")
        .order_by("id")
    )
    acting = next((m for m in rows if m.user_id == actor.id), None)
    if acting is None:
        raise MembershipChanged(f"You are no longer a member of {project.name}.", True)
    target = next((m for m in rows if m.id == membership_id), None)
    if target is None:
        raise Http404("No such member.")
    if not acting.is_admin and not (self_allowed and target.id == acting.id):
        raise MembershipChanged(f"You are no longer an Admin of {project.name}.")
    return target, sum(m.is_admin for m in rows)


def remove_membership(project, target: Membership, admin_count: int, origin, actor, **details):
    """Take a locked member out of the project and audit it (call inside the
    transaction that locked it). A pending link for them to this project stops
    working (expired ones go too). `details` join the audit event."""
    if is_last_admin(target, admin_count):
        raise MembershipChanged(LAST_ADMIN.format(email=target.user.email, project=project))
    invitations.unused(project).filter(email=target.user.email).delete()
    target.delete()
    audit.write_from(
        origin,
        AuditEvent.Action.MEMBER_REMOVED,
        project=project,
        actor=actor,
        member=target.user.email,
        role=target.role,
        **details,
    )
