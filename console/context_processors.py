import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


def brand(request):
    return {"brand_name": settings.BRAND_NAME, "signup_open": settings.SIGNUP == "open"}


# The side menu's links to a project's pages, by the names shell.html uses.
PROJECT_LINKS = {
    "keys": "accesskeys:index",
    "buckets": "buckets",
    "team": "team",
    "audit": "audit",
    "settings": "project_settings",
}
# And to the person's own pages.
ACCOUNT_LINKS = {
    "account": "account",
    "api_tokens": "api_tokens",
    "signout": "signout",
    "project_new": "project_new",
}


# Reversed once a process for each project rather than a dozen times a page: a link
# depends only on the URLconf and the script prefix, which the key holds, and which
# cannot change while a process serves.
@functools.lru_cache(maxsize=4096)
def _project_links(public_id: str, prefix: str, urlconf: str) -> dict[str, str]:
    return {name: reverse(view, args=[public_id]) for name, view in PROJECT_LINKS.items()}


@functools.lru_cache(maxsize=16)
def _account_links(prefix: str, urlconf: str) -> dict[str, str]:
    return {name: reverse(view) for name, view in ACCOUNT_LINKS.items()}


def shell(request):
    """The current project, the user's projects and the links of the side menu."""
    user = getattr(request, "user", None)  # none on machine paths (console.middleware)
    if user is None or not user.is_authenticated:
        return {}
    prefix, urlconf = get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF)
    context = {"account_links": _account_links(prefix, urlconf)}
    membership = getattr(request, "membership", None)
    if membership is None:
        return context
    # load_project read them with the membership.
    memberships = getattr(request, "user_memberships", None)
    if memberships is None:
        memberships = request.user.memberships.select_related("project").order_by(
            "project__name", "project__created_at"
        )
    return {
        **context,
        "project": membership.project,
        "membership": membership,
        "is_admin": membership.is_admin,
        "project_links": _project_links(str(membership.project.public_id), prefix, urlconf),
        # Each of the user's projects with the link to its Access Keys page.
        "user_projects": [
            (m, _project_links(str(m.project.public_id), prefix, urlconf)["keys"])
            for m in memberships
        ],
    }
