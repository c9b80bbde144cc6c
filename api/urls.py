"""The API tokens page, and the REST API under /api/v1/."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver, path, re_path

from api import views
from api.api import api


def _open_to_tokens(patterns):
    """The API authenticates with bearer tokens, not the session: the sign-in
    redirect of LoginRequiredMiddleware must not apply to it."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open_to_tokens(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            if pattern.name == "api-root":
                # Ninja's root answers an HTML 404; people who open /api/v1/ want the docs.
                pattern.callback = api_root
            pattern.callback.login_required = False
    return patterns


def api_root(request, **kwargs):
    return redirect("api-v1:openapi-view")


@login_not_required
def api_not_found(request, rest):
    return JsonResponse({"detail": "No such API endpoint.", "errors": []}, status=404)


api_patterns, api_app_name, api_namespace = api.urls
urlpatterns = [
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", views.revoke, name="api_token_revoke"),
    path("api/v1/", (_open_to_tokens(api_patterns), api_app_name, api_namespace)),
    # Any other path under /api/v1/ answers JSON too, not the HTML 404 page.
    re_path(r"^api/v1/(?P<rest>.*)$", api_not_found, name="api_not_found"),
]
