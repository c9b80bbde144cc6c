"""What every app's part of the REST API shares: the project path, the text and
error shapes, the Admin-only mark, and the origin written into audit events.

The apps' routers (console/api.py, accesskeys/api.py) import this; the API
itself (api/api.py) mounts the routers, authenticates the token, and turns
`Refused` into the JSON error answer. Nothing here imports the api package.
"""

from dataclasses import replace
from functools import wraps
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Schema
from ninja.decorators import decorate_view
from pydantic import AfterValidator

from console import audit

# Every resource lives in a project, named by its public id.
P = "/projects/{project_id}"


# --- input ---------------------------------------------------------------------------


def _no_surrogates(value: str) -> str:
    # Unpaired surrogates decode from JSON but cannot be stored.
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise ValueError("Text must not contain unpaired surrogate characters.")
    return value


# Text without NUL characters (PostgreSQL cannot store them).
Text = Annotated[str, Field(pattern=r"^[^\x00]*$"), AfterValidator(_no_surrogates)]
# Text that may hold NUL, e.g. a passphrase, which is never stored.
UnstoredText = Annotated[str, AfterValidator(_no_surrogates)]

# A database id: larger numbers cannot name anything (and overflow SQLite).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
PathId = Annotated[int, Path(ge=1, le=2**63 - 1)]


# --- output --------------------------------------------------------------------------


class FieldError(Schema):
    field: str = Field(description='The field in error; "" for the request as a whole.')
    message: str


class Error(Schema):
    detail: str
    errors: list[FieldError] = []


ERRORS = {401: Error, 403: Error, 404: Error, 422: Error}
# Operations with a body also answer 400 when it is not JSON.
BODY_ERRORS = {400: Error, **ERRORS}


class Page(Schema):
    count: int = Field(
        description="How many items match, on every page (accesses: counted up to 10,000, "
        "or 1,000 for a search, as the Access Keys page counts them)."
    )
    page: int
    size: int
    pages: int


class Refused(Exception):
    """An operation's refusal: the API answers it as an Error (`detail`, and each
    message under its field; "__all__" is the request as a whole)."""

    def __init__(self, status: int, detail: str, errors: dict[str, list[str]] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}


# --- who may call, and from where -----------------------------------------------------


def _mark_admins_only(run):
    @wraps(run)
    def marked(request: HttpRequest, *args, **kwargs):
        request.admins_only = True
        return run(request, *args, **kwargs)

    return marked


def admins_only(operation):
    """Mark an operation as Admin-only. The mark is set before authentication (a
    ninja "view" decorator), so the API's token check refuses a Member with 403
    before the body is read, as for every Admin-only operation."""
    return decorate_view(_mark_admins_only)(operation)


def is_admins_only(request: HttpRequest) -> bool:
    return getattr(request, "admins_only", False)


def origin(request: HttpRequest) -> audit.Origin:
    """Where the request came from, marked as made through the API with its token
    (request.api_token, set by the API's authentication)."""
    return replace(
        audit.origin_of(request),
        marks=(("via", "api"), ("api_token", request.api_token.name)),
        channel="api",
    )
