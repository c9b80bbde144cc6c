"""Loading a project for the signed-in user: authorization in one place.

Every view of a project calls `load_project`. A project the user is not a
member of does not exist for them (404); an Admin-only page answers a
Member with 403 and a message; a project that requires two-factor sign-in
is closed to a session signed in without it (see console.middleware).
"""

import contextlib
import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from console.models import Membership, Project
from console.two_factor import TwoFactorRequired


def load_project(request, public_id, *, admin: bool = False) -> Project:
    membership = (
        Membership.objects.select_related("project")
        .filter(project__public_id=public_id, user=request.user)
        .first()
    )
    if membership is None:
        raise Http404("No such project.")
    if membership.project.require_two_factor and not request.user.is_verified():
        raise TwoFactorRequired(membership.project)
    if admin and not membership.is_admin:
        raise PermissionDenied("Only project Admins can do this.")
    # The shell (menu, project switcher) reads these through a context processor.
    request.membership = membership
    request.project = membership.project
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
