from django.conf import settings


def brand(request):
    return {"brand_name": settings.BRAND_NAME, "signup_open": settings.SIGNUP == "open"}


def shell(request):
    """The current project and the user's projects, for the side menu and switcher."""
    membership = getattr(request, "membership", None)
    if membership is None or not request.user.is_authenticated:
        return {}
    # load_project read them with the membership.
    memberships = getattr(request, "user_memberships", None)
    if memberships is None:
        memberships = request.user.memberships.select_related("project").order_by(
            "project__name", "project__created_at"
        )
    return {
        "project": membership.project,
        "membership": membership,
        "is_admin": membership.is_admin,
        "user_memberships": memberships,
    }
