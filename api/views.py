"""The API tokens page: the signed-in user's tokens, a form to create one, revoking.

A new token is shown in the response that created it and never again.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import tokens
from api.forms import NewTokenForm
from api.models import ApiToken
from console import mail, two_factor


def _form(request, data=None) -> NewTokenForm:
    return NewTokenForm(request.user, data, verified=request.user.is_verified())


def _render(request, form, created=None, status=200):
    user_tokens = list(
        ApiToken.objects.usable()
        .filter(user=request.user)
        .select_related("project", "user")
        .order_by("-created_at", "-id")
    )
    has_two_factor = two_factor.has_two_factor(request.user)
    for token in user_tokens:
        token.paused = token.project.require_two_factor and not has_two_factor
    ctx = {
        "form": form,
        "tokens": user_tokens,
        "paused_count": sum(token.paused for token in user_tokens),
        "created": created,
        "page": "api_tokens",
    }
    return render(request, "api/tokens.html", ctx, status=status)


@never_cache
def api_tokens(request):
    """GET: the list and the form. POST: create a token and show it once."""
    if request.method != "POST":
        return _render(request, _form(request))
    form = _form(request, request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    token, plaintext = tokens.issue(
        request.user,
        form.cleaned_data["project"],
        form.cleaned_data["name"],
        form.cleaned_data["expires"],
        request=request,
    )
    mail.send_notice(
        request,
        request.user,
        "security_notice",
        {"event": "api_token", "token_name": token.name, "project_name": token.project.name},
    )
    created = {"token": token, "value": plaintext}
    return _render(request, _form(request), created=created)


@require_POST
def revoke(request, token_id):
    token = get_object_or_404(
        ApiToken.objects.select_related("project"),
        id=token_id,
        user=request.user,
        revoked_at__isnull=True,
    )
    tokens.revoke(request, token)
    messages.success(request, f"Revoked the API token “{token.name}”.")
    return redirect("api_tokens")
