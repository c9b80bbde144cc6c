"""The REST API, /api/v1/: what the Access Keys page and the New Access dialog do, for scripts.

Each app owns its operations, on a ninja Router in its api.py (django-ninja's
layout): accesskeys/api.py the access keys, console/api.py buckets, members and
audit events. This module makes the one NinjaAPI, mounts the routers,
authenticates the token (api/auth.py) and shapes every error.

Every operation goes through the same services, checks and audit events as
the browser pages; events written through the API say so (`via: api`) and
name the token. Errors are JSON: `detail`, and `errors` as a list of
`{field, message}` with the messages the dialog shows.
"""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accesskeys import api as accesskeys_api
from api.auth import ProjectToken
from api.docs import ReferencePage
from console import api as console_api
from console.api_common import Refused


class ConsoleAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The ids clients were generated with, from when every operation lived in
        # api/api.py (ninja derives them from the module): "api_api_list_accesses".
        # Operation functions are named uniquely across the routers (ninja warns if not).
        return f"api_api_{operation.view_func.__name__}"


api = ConsoleAPI(
    title="Access Keys console API",
    version="1",
    description=(
        "Create, list and delete access keys, list and create buckets, list members and "
        "read the audit log of a project. Authenticate with a personal API token from the "
        "console's API tokens page: `Authorization: Bearer akc_…`. A token acts as its "
        "user, with their role, in the project it was made for."
    ),
    urls_namespace="api-v1",
    docs=ReferencePage(),
    auth=ProjectToken(),
)
api.add_router("", accesskeys_api.router)
api.add_router("", console_api.router)


# --- errors --------------------------------------------------------------------------


def error(request, status: int, detail: str, errors: dict | None = None):
    items = [
        {"field": "" if field == "__all__" else field, "message": message}
        for field, messages in (errors or {}).items()
        for message in messages
    ]
    return api.create_response(request, {"detail": detail, "errors": items}, status=status)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = error(request, 401, "Send a valid API token: Authorization: Bearer akc_…")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Refused)
def refused(request, exc):
    return error(request, exc.status, exc.detail, exc.errors)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return error(request, exc.status_code, str(exc))


@api.exception_handler(ValidationError)
def invalid(request, exc):
    errors: dict[str, list[str]] = {}
    for problem in exc.errors:
        # ("body", "payload", "name") -> "name"; ("query", "page") -> "page"
        loc = [str(part) for part in problem.get("loc", ()) if part not in ("body", "payload")]
        if loc and loc[0] in ("query", "path", "filters"):
            loc = loc[1:]
        errors.setdefault(".".join(loc), []).append(problem.get("msg", "Invalid value."))
    return error(request, 422, "The request is not valid.", errors)
