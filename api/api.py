"""The REST API, /api/v1/: what the Access Keys page and the New Access dialog do, for scripts.

Every operation goes through the same services, checks and audit events as
the browser pages; events written through the API say so (`via: api`) and
name the token. Errors are JSON: `detail`, and `errors` as a list of
`{field, message}` with the messages the dialog shows.
"""

from dataclasses import replace

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accesskeys.access_table import (
    DEFAULT_SIZE,
    DEFAULT_SORT,
    MAX_SEARCH,
    PAGE_SIZES,
    SEARCH_COUNT_BOUND,
    SORTS,
    search,
)
from accesskeys.models import AccessKey
from accesskeys.services import (
    access_create,
    access_delete,
    access_rules,
    access_update,
    key_audit,
    rotation,
)
from accesskeys.services.access_input import AccessInput, parse_create
from api import schemas as s
from api.auth import ProjectToken
from api.docs import ReferencePage
from console import audit
from console.forms import BucketForm
from console.paging import BoundedPaginator

api = NinjaAPI(
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
admins_only = ProjectToken(admin=True)
project = Router()
# Every resource lives in a project, named by its public id.
P = "/projects/{project_id}"


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


# The service's rules answer by their code: who may not (403), what is not there
# (404), what changed meanwhile (409); any other rule is an invalid choice (422).
STATUS_OF_CODE = {
    "not_member": 404,
    "update_not_allowed": 403,
    "delete_not_yours": 403,
    "update_gone": 404,
    "delete_gone": 404,
}


def refused(request, detail: str, exc: DjangoValidationError):
    """The service's ValidationError as an answer: the status its codes map to (the
    strictest), the rule's own message as the detail when it concerns the request
    as a whole, and every message under its field."""
    statuses = {STATUS_OF_CODE.get(code, 422) for code in access_rules.codes(exc)}
    status = min(statuses - {422}, default=422)
    errors = exc.message_dict
    if status != 422 and NON_FIELD_ERRORS in errors:
        detail = " ".join(errors[NON_FIELD_ERRORS])
    return error(request, status, detail, errors)


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


def origin(request) -> audit.Origin:
    """Where the request came from, marked as made through the API with this token."""
    return replace(
        audit.origin_of(request),
        marks=(("via", "api"), ("api_token", request.api_token.name)),
        channel="api",
    )


# --- accesses ------------------------------------------------------------------------


def access_out(key: AccessKey, member_ids: set[int]) -> AccessKey:
    """The key, for the AccessOut schema, with whether its creator is still a member."""
    key.creator_is_member = key.created_by_id in member_ids
    return key


def keys_of(request):
    return AccessKey.objects.filter(project=request.project).select_related(
        "created_by", "replaced_by"
    )


class AccessListQuery(s.Schema):
    search: s.Text = s.Field(
        "", max_length=MAX_SEARCH, description="Name or creator email contains."
    )
    sort: s.Sort = DEFAULT_SORT
    former_member: bool = s.Field(
        False, description="Only accesses created by someone who is no longer a member."
    )
    page: int = s.Field(1, ge=1, le=1_000_000)
    size: int = s.Field(DEFAULT_SIZE, ge=1, le=max(PAGE_SIZES))


@project.get(
    P + "/accesses",
    tags=["Access keys"],
    response={200: s.AccessPage, **s.ERRORS},
    url_name="accesses",
    summary="List accesses",
)
def list_accesses(request: HttpRequest, project_id: str, query: Query[AccessListQuery]):
    """The project's access keys, as the Access Keys page lists them (deleted ones left
    out): its search, its sorts (including `last_used`), and its bounded count."""
    keys = keys_of(request).not_revoked().prefetch_related("buckets")
    text = query.search.strip()
    if text:
        keys = search(keys, text)
    member_ids = request.project.member_ids()
    if query.former_member:
        keys = keys.filter(key_audit.former_member_q(member_ids))
    bound = SEARCH_COUNT_BOUND if text else None
    paginator = BoundedPaginator(keys.order_by(*SORTS[query.sort]), query.size, bound=bound)
    try:
        items = list(paginator.page(query.page).object_list)
    except EmptyPage:
        items = []
    return {
        "items": [access_out(key, member_ids) for key in items],
        "count": paginator.count,
        "page": query.page,
        "size": query.size,
        "pages": paginator.num_pages if paginator.count else 0,
    }


# Before accesses/{access_id}, whose path would take "7:rotate" as an id.
@project.post(
    P + "/accesses/{access_id}:rotate",
    tags=["Access keys"],
    response={201: s.RotatedAccessOut, 409: s.Error, **s.BODY_ERRORS},
    url_name="access_rotate",
    summary="Rotate an access",
)
def rotate_access(request: HttpRequest, project_id: str, access_id: s.PathId, body: s.AccessRotate):
    """Replace an access by a new one of the same type with the same restrictions and
    expiration (or the longest the project now allows). The new access takes the name;
    the old one is renamed "<name> (replaced <date>)" and keeps working until the
    overlap ends. Admins for any access, Members for the ones they created. The
    secrets come back once; 409 when the access was replaced already or has expired."""
    key = keys_of(request).not_revoked().filter(id=access_id).first()
    if key is None:
        raise HttpError(404, "No such access.")
    if not rotation.may_rotate(request.membership, key):
        raise HttpError(403, rotation.MESSAGES["not_allowed"])
    refusal = rotation.refusal(request.membership, key, timezone.now())
    if refusal:
        return error(request, 409, "The access was not rotated.", refusal.message_dict)
    if body.passphrase and body.generate_passphrase:
        return error(
            request,
            422,
            "The access was not rotated.",
            {"passphrase": ["Give a passphrase or ask to generate one, not both."]},
        )
    try:
        rotated = rotation.rotate_access(
            request.project,
            request.user,
            key.id,
            overlap=body.overlap,
            passphrase_choice="generate" if body.generate_passphrase else "current",
            passphrase=body.passphrase,
            origin=origin(request),
        )
    except DjangoValidationError as exc:
        return refused(request, "The access was not rotated.", exc)
    member_ids = request.project.member_ids()
    replaced = keys_of(request).prefetch_related("buckets").get(id=rotated.replaced.id)
    return Status(
        201,
        {
            **one_time_values(rotated.created, member_ids),
            "replaced": access_out(replaced, member_ids),
        },
    )


@project.get(
    P + "/accesses/{access_id}",
    tags=["Access keys"],
    response={200: s.AccessOut, **s.ERRORS},
    url_name="access",
    summary="Get an access",
)
def get_access(request: HttpRequest, project_id: str, access_id: s.PathId):
    """What one access allows, as its details page shows it; never a secret."""
    key = keys_of(request).prefetch_related("buckets").filter(id=access_id).first()
    if key is None:
        raise HttpError(404, "No such access.")
    return access_out(key, request.project.member_ids())


@project.post(
    P + "/accesses",
    tags=["Access keys"],
    response={201: s.CreatedAccessOut, **s.BODY_ERRORS},
    url_name="accesses_create",
    summary="Create an access",
)
def create_access(request: HttpRequest, project_id: str, body: s.AccessCreate):
    """Create an access with any choice of the New Access dialog; the secrets come back once."""
    given = AccessInput(
        name=body.name,
        type=body.type,
        description=body.description,
        full_access=body.full_access,
        permissions=body.permissions,
        object_lock=body.object_lock,
        notification=body.notification,
        buckets=body.buckets,
        paths=None if body.paths is None else [(path.bucket, path.prefix) for path in body.paths],
        max_object_ttl=body.max_object_ttl,
        expires=body.expires,
        passphrase=body.passphrase,
        generate_passphrase=body.generate_passphrase,
    )
    try:
        created = access_create.create_access(
            request.project, request.user, parse_create(given), origin(request)
        )
    except DjangoValidationError as exc:
        return refused(request, "The access was not created.", exc)
    return Status(201, one_time_values(created, request.project.member_ids()))


@project.patch(
    P + "/accesses/{access_id}",
    tags=["Access keys"],
    response={200: s.AccessOut, **s.BODY_ERRORS},
    url_name="access_update",
    summary="Rename or describe an access",
)
def update_access(request: HttpRequest, project_id: str, access_id: s.PathId, body: s.AccessUpdate):
    """Change the name or the description of a live access, as its details page does:
    Admins for any access, Members for the ones they created."""
    key = keys_of(request).not_revoked().filter(id=access_id).first()
    if key is None:
        raise HttpError(404, "No such access.")
    name = key.name if body.name is None else body.name
    description = key.description if body.description is None else body.description
    try:
        key = access_update.update_access(
            request.project, request.user, key.id, name, description, origin(request)
        )
    except DjangoValidationError as exc:
        return refused(request, "The access was not changed.", exc)
    key = keys_of(request).prefetch_related("buckets").get(id=key.id)
    return access_out(key, request.project.member_ids())


def one_time_values(created, member_ids: set[int]) -> dict:
    """The new access and its one-time values, under the create_access command's keys."""
    return {"access": access_out(created.access_key, member_ids), **created.one_time_values()}


def delete_keys(request, ids: list[int]):
    """Delete all or nothing, by the service's rules (its codes give the status)."""
    try:
        names = access_delete.delete_accesses(
            request.project, request.user, sorted(set(ids)), origin(request)
        )
    except DjangoValidationError as exc:
        return refused(request, "Nothing was deleted.", exc)
    return {"deleted": names}


@project.delete(
    P + "/accesses/{access_id}",
    tags=["Access keys"],
    response={200: s.Deleted, 409: s.Error, **s.ERRORS},
    url_name="access_delete",
    summary="Delete an access",
)
def delete_access(request: HttpRequest, project_id: str, access_id: s.PathId):
    """Revoke one access: every grant and S3 credential made from it stops working."""
    return delete_keys(request, [access_id])


@project.post(
    P + "/accesses:delete",
    tags=["Access keys"],
    response={200: s.Deleted, 409: s.Error, **s.BODY_ERRORS},
    url_name="accesses_delete",
    summary="Delete several accesses",
)
def delete_many(request: HttpRequest, project_id: str, body: s.DeleteAccesses):
    """Revoke several accesses together: all of them, or none if any cannot be deleted."""
    return delete_keys(request, body.ids)


# --- buckets, members, audit events --------------------------------------------------


@project.get(
    P + "/buckets",
    tags=["Buckets"],
    response={200: list[s.BucketOut], **s.ERRORS},
    url_name="buckets",
    summary="List buckets",
)
def list_buckets(request: HttpRequest, project_id: str):
    return list(request.project.buckets.order_by("name"))


@project.post(
    P + "/buckets",
    tags=["Buckets"],
    response={201: s.BucketOut, **s.BODY_ERRORS},
    url_name="buckets_create",
    auth=admins_only,
    summary="Create a bucket",
)
def create_bucket(request: HttpRequest, project_id: str, body: s.BucketCreate):
    """Admins only; the same name rules and messages as the Buckets page."""
    form = BucketForm(request.project, {"name": body.name, "object_lock": body.object_lock})
    bucket = form.save(request.user, origin(request)) if form.is_valid() else None
    if bucket is None:
        return error(request, 422, "The bucket was not created.", form.errors)
    return Status(201, bucket)


@project.get(
    P + "/members",
    tags=["Members"],
    response={200: list[s.MemberOut], **s.ERRORS},
    url_name="members",
    summary="List members",
)
def list_members(request: HttpRequest, project_id: str):
    return request.project.memberships.select_related("user").order_by("user__email")


class EventQuery(s.Schema):
    action: s.Action | None = None
    actor: s.Text | None = s.Field(None, max_length=254, description="The actor's email.")
    page: int = s.Field(1, ge=1, le=1_000_000)
    size: int = s.Field(25, ge=1, le=100)


@project.get(
    P + "/audit-events",
    tags=["Audit log"],
    response={200: s.AuditEventPage, **s.ERRORS},
    url_name="audit_events",
    auth=admins_only,
    summary="List audit events",
)
def list_audit_events(request: HttpRequest, project_id: str, query: Query[EventQuery]):
    """Admins only: the project's audit log, newest first, with the Audit page's filters."""
    events = audit.project_events(request.project)
    if query.action:
        events = events.filter(action=query.action)
    if query.actor:
        events = events.filter(actor_email=query.actor.lower())
    paginator = Paginator(events.order_by("-created_at", "-id"), query.size)
    try:
        items = list(paginator.page(query.page).object_list)
    except EmptyPage:
        items = []
    return {
        "items": items,
        "count": paginator.count,
        "page": query.page,
        "size": query.size,
        "pages": paginator.num_pages if paginator.count else 0,
    }


api.add_router("", project)
