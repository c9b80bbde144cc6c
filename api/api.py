"""The REST API, /api/v1/: what the Access Keys page and the New Access dialog do, for scripts.

Every operation goes through the same services, checks and audit events as
the browser pages; events written through the API say so (`via: api`) and
name the token. Errors are JSON: `detail`, and `errors` as a list of
`{field, message}` with the messages the dialog shows.
"""

from dataclasses import replace
from datetime import UTC

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from accesskeys import permissions
from accesskeys.credential_types import BY_COMMAND_NAME
from accesskeys.credential_types import BY_VALUE as CREDENTIAL_TYPES
from accesskeys.models import AccessKey
from accesskeys.services import access as access_service
from accesskeys.services import key_audit, rotation
from accesskeys.views import SORTS
from api import schemas as s
from api.auth import ProjectToken
from api.docs import ReferencePage
from console import audit
from console.forms import BucketForm

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
    )


# --- accesses ------------------------------------------------------------------------


def access_out(key: AccessKey, member_ids: set[int]) -> dict:
    return {
        "id": key.id,
        "name": key.name,
        "description": key.description,
        "type": CREDENTIAL_TYPES[key.type].command_name,
        "status": key.status,
        "created_at": key.created_at,
        "created_by": key.created_by.email if key.created_by else None,
        "creator_is_member": key.created_by_id in member_ids,
        "full_access": key.full_access,
        "permissions": granted(key, permissions.BASIC),
        "object_lock": granted(key, permissions.OBJECT_LOCK),
        "notification": granted(key, permissions.NOTIFICATION),
        "buckets": None if key.all_buckets else sorted(b.name for b in key.buckets.all()),
        "paths": [{"bucket": bucket, "prefix": prefix} for bucket, prefix in key.prefixes],
        "max_object_ttl_seconds": (
            int(key.max_object_ttl.total_seconds()) if key.max_object_ttl is not None else None
        ),
        "other_restrictions": list(key.other_restrictions),
        "expires_at": key.not_after,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
        "replaces": key.replaces_id,
        "replaced_by": replacement_id(key),
    }


def replacement_id(key: AccessKey) -> int | None:
    """The id of the key that replaced this one (selected with it), if any."""
    try:
        return key.replaced_by.id
    except AccessKey.DoesNotExist:
        return None


def granted(key: AccessKey, group: str) -> list[str]:
    return [p.name for p in permissions.in_group(group) if getattr(key, p.field)]


def keys_of(request):
    return AccessKey.objects.filter(project=request.project).select_related(
        "created_by", "replaced_by"
    )


class AccessListQuery(s.Schema):
    search: s.Text = s.Field("", max_length=100, description="Name or creator email contains.")
    sort: s.Sort = "name"
    former_member: bool = s.Field(
        False, description="Only accesses created by someone who is no longer a member."
    )
    page: int = s.Field(1, ge=1, le=1_000_000)
    size: int = s.Field(10, ge=1, le=100)


@project.get(
    P + "/accesses",
    tags=["Access keys"],
    response={200: s.AccessPage, **s.ERRORS},
    url_name="accesses",
    summary="List accesses",
)
def list_accesses(request: HttpRequest, project_id: str, query: Query[AccessListQuery]):
    """The project's access keys, as the Access Keys page lists them (deleted ones left out)."""
    keys = keys_of(request).not_revoked().prefetch_related("buckets")
    search = query.search.strip()
    if search:
        keys = keys.filter(Q(name__icontains=search) | Q(created_by__email__icontains=search))
    member_ids = request.project.member_ids()
    if query.former_member:
        keys = keys.filter(key_audit.former_member_q(member_ids))
    paginator = Paginator(keys.order_by(*SORTS[query.sort]), query.size)
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
    refused = rotation.refusal(request.membership, key, timezone.now())
    if refused:
        return error(request, 409, "The access was not rotated.", refused.errors)
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
    except access_service.AccessError as exc:
        return error(request, 422, "The access was not rotated.", exc.errors)
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
    # Empty lists of object-lock and notification permissions and buckets are the
    # defaults; an empty
    # list of permissions is a choice (and an error, as in the dialog).
    advanced_given = (
        body.permissions is not None
        or bool(body.object_lock)
        or bool(body.notification)
        or bool(body.buckets)
        or bool(body.paths)
        or bool(body.max_object_ttl)
        or body.expires is not None
    )
    if body.full_access and advanced_given:
        return error(
            request,
            422,
            "The access was not created.",
            {
                "full_access": [
                    "Full Access cannot be combined with permissions, object_lock, "
                    "notification, buckets, paths, max_object_ttl or expires."
                ]
            },
        )
    if body.passphrase and body.generate_passphrase:
        return error(
            request,
            422,
            "The access was not created.",
            {"passphrase": ["Give a passphrase or ask to generate one, not both."]},
        )
    full = body.full_access if body.full_access is not None else not advanced_given
    expires = body.expires
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    chosen = permissions.DEFAULT if body.permissions is None else frozenset(body.permissions)
    try:
        ttl = access_service.parse_object_ttl(body.max_object_ttl)
    except DjangoValidationError as exc:
        return error(request, 422, "The access was not created.", {"max_object_ttl": exc.messages})
    access_request = access_service.CreateAccessRequest(
        name=body.name,
        type=BY_COMMAND_NAME[body.type].value,
        description=body.description,
        full_access=full,
        permissions=chosen | frozenset(body.object_lock or ()) | frozenset(body.notification or ()),
        buckets=tuple(body.buckets) if body.buckets else None,
        expires_at=expires,
        prefixes=tuple((path.bucket, path.prefix) for path in body.paths or ()),
        max_object_ttl=ttl,
        passphrase_choice="generate" if body.generate_passphrase else "current",
        passphrase=body.passphrase,
    )
    try:
        created = access_service.create_access(
            request.project, request.user, access_request, origin(request)
        )
    except access_service.AccessError as exc:
        errors = dict(exc.errors)
        if "expires_at" in errors:
            errors["expires"] = errors.pop("expires_at")
        if "prefixes" in errors:
            errors["paths"] = errors.pop("prefixes")
        return error(request, 422, "The access was not created.", errors)

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
    if not access_service.may_update(request.membership, key):
        raise HttpError(403, access_service.MESSAGES["update_not_allowed"])
    name = key.name if body.name is None else body.name
    description = key.description if body.description is None else body.description
    try:
        key = access_service.update_access(
            request.project, request.user, key.id, name, description, origin(request)
        )
    except access_service.AccessError as exc:
        return error(request, 422, "The access was not changed.", exc.errors)
    key = keys_of(request).prefetch_related("buckets").get(id=key.id)
    return access_out(key, request.project.member_ids())


def one_time_values(created, member_ids: set[int]) -> dict:
    """The new access and, under the create_access command's keys, the values its
    type's result shows (and the grant behind S3 credentials too)."""
    shown = {item.attribute for item in created.credential_type.result}
    return {
        "access": access_out(created.access_key, member_ids),
        "access_key": created.s3_access_key,
        "secret_key": created.s3_secret_key,
        "endpoint": created.s3_endpoint,
        "access_grant": created.access_grant,
        "api_key": created.api_key if "api_key" in shown else None,
        "satellite_address": created.satellite_address if "satellite_address" in shown else None,
        "passphrase": created.generated_passphrase,
    }


def delete_keys(request, ids: list[int]):
    """Delete all or nothing, with the Member rule of the page: 404 for keys that are
    not there, 403 for a Member touching someone else's key."""
    ids = sorted(set(ids))
    keys = list(keys_of(request).not_revoked().filter(id__in=ids))
    if len(keys) != len(ids):
        missing = sorted(set(ids) - {key.id for key in keys})
        raise HttpError(
            404,
            "No such access: " + ", ".join(str(i) for i in missing) + ". Nothing was deleted."
            if len(ids) > 1
            else "No such access.",
        )
    if not request.membership.is_admin:
        others = sorted(key.name for key in keys if key.created_by_id != request.user.id)
        if others:
            message = access_service.MESSAGES["delete_not_yours"] % {"value": ", ".join(others)}
            raise HttpError(403, message)
    try:
        names = access_service.delete_accesses(request.project, request.user, ids, origin(request))
    except access_service.AccessError as exc:
        # Changed between the check above and the delete (e.g. deleted meanwhile).
        return error(request, 409, "Nothing was deleted.", exc.errors)
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
    memberships = request.project.memberships.select_related("user").order_by("user__email")
    return [{"email": m.user.email, "role": m.role, "joined_at": m.joined_at} for m in memberships]


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
        "items": [
            {
                "id": event.id,
                "created_at": event.created_at,
                "action": event.action,
                "action_label": event.get_action_display(),
                "actor": event.actor_email,
                "ip_address": event.ip_address,
                "user_agent": event.user_agent,
                "details": event.details,
            }
            for event in items
        ],
        "count": paginator.count,
        "page": query.page,
        "size": query.size,
        "pages": paginator.num_pages if paginator.count else 0,
    }


api.add_router("", project)
