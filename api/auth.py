"""Bearer-token authentication, and the project a token may act in.

A token acts as its user in its own project, with the user's current role
there. Another project's URL answers 404 (it does not exist for the token),
as the browser pages answer an outsider; a project that requires two-factor
answers 401 to the token of a member who has not turned it on (the token is
paused until they do); an operation its app marks Admin-only
(console.api_common.admins_only) answers a Member 403. All are decided before
the request body is read.
"""

import uuid

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security.base import AuthBase

from api import tokens
from console import two_factor
from console.api_common import is_admins_only
from console.models import Membership

NOT_FOUND = "No such project."
ADMINS_ONLY = "Only project Admins can do this."


def _same_project(token, project_id) -> bool:
    try:
        return uuid.UUID(str(project_id)) == token.project.public_id
    except ValueError:
        return False


class ProjectToken(AuthBase):
    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_description = 'A personal API token ("akc_…") from the API tokens page.'

    def __call__(self, request: HttpRequest):
        # Not ninja's HttpBearer: it logs a malformed header, which may hold a token.
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None
        token = tokens.find(value.strip())
        if token is None:
            return None
        project_id = request.resolver_match.kwargs.get("project_id")
        membership = Membership.objects.filter(user=token.user, project=token.project).first()
        if membership is None or not _same_project(token, project_id):
            raise HttpError(404, NOT_FOUND)
        if two_factor.missing_for(token.project, token.user):
            # The project's pages are closed to them; so is the API.
            raise HttpError(401, two_factor.tokens_paused_message(token.project))
        if is_admins_only(request) and not membership.is_admin:
            raise HttpError(403, ADMINS_ONLY)
        # What the rest of the console reads: the user, their role, the project.
        request.user = token.user
        request.api_token = token
        request.membership = membership
        request.project = token.project
        return token
