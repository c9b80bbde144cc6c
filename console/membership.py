"""Loading a project for the signed-in user: authorization in one place.

Every view of a project calls `load_project`. A project the user is not a
member of does not exist for them (404); an Admin-only page answers a
Member with 403 and a message; a project that requires two-factor sign-in
is closed to a session signed in without it (see console.middleware).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from console.models import Membership, Project
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
    request.user_memberships = memberships
    return membership.project


def is_last_admin(membership: Membership, admin_count: int) -> bool:
    """Every project keeps an Admin: its only Admin can be neither removed nor made
    a Member. The Team page does not offer either; the views refuse both."""
    return membership.is_admin and admin_count <= 1
