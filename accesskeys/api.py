"""The access keys' part of the REST API: list, get, create, rename, rotate and
delete a project's accesses, through the same services, checks and audit events
as the Access Keys page and the New Access dialog.

Mounted by api/api.py, which authenticates the token (request.user,
request.membership, request.project) and answers errors as JSON.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import EmptyPage
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from accesskeys import api_schemas as s
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
from console.api_common import BODY_ERRORS, ERRORS, Error, P, PathId, Refused, Text, origin
from console.paging import BoundedPaginator

router = Router()

# The service's rules answer by their code: who may not (403), what is not there
# (404), what changed meanwhile (409); any other rule is an invalid choice (422).
STATUS_OF_CODE = {
    "not_member": 404,
    "update_not_allowed": 403,
    "delete_not_yours": 403,
    "update_gone": 404,
    "delete_gone": 404,
}


def refused(detail: str, exc: DjangoValidationError) -> Refused:
    """The service's ValidationError as an answer: the status its codes map to (the
    strictest), the rule's own message as the detail when it concerns the request
    as a whole, and every message under its field."""
    statuses = {STATUS_OF_CODE.get(code, 422) for code in access_rules.codes(exc)}
    status = min(statuses - {422}, default=422)
    errors = exc.message_dict
    if status != 422 and NON_FIELD_ERRORS in errors:
        detail = " ".join(errors[NON_FIELD_ERRORS])
    return Refused(status, detail, errors)


def access_out(key: AccessKey, member_ids: set[int]) -> AccessKey:
    """The key, for the AccessOut schema, with whether its creator is still a member."""
    key.creator_is_member = key.created_by_id in member_ids
    return key


def keys_of(request):
    # The replacements in a query of their own (one for a whole page): joined to the
    # keys, SQLite scanned every key for each row's once ANALYZE had counted
    # replaces_id's NULLs (22 ms for a page of 10 at 10,000 keys).
    return (
        AccessKey.objects.filter(project=request.project)
        .select_related("created_by")
        .prefetch_related("replaced_by")
    )


class AccessListQuery(Schema):
    search: Text = Field("", max_length=MAX_SEARCH, description="Name or creator email contains.")
    sort: s.Sort = DEFAULT_SORT
    former_member: bool = Field(
        False, description="Only accesses created by someone who is no longer a member."
    )
    page: int = Field(1, ge=1, le=1_000_000)
    size: int = Field(DEFAULT_SIZE, ge=1, le=max(PAGE_SIZES))


@router.get(
    P + "/accesses",
    tags=["Access keys"],
    response={200: s.AccessPage, **ERRORS},
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
    # Every key of the project: the database keeps their count, as for the page.
    known = request.project.access_key_count if not (text or query.former_member) else None
    paginator = BoundedPaginator(
        keys.order_by(*SORTS[query.sort]), query.size, bound=bound, known_count=known
    )
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
@router.post(
    P + "/accesses/{access_id}:rotate",
    tags=["Access keys"],
    response={201: s.RotatedAccessOut, 409: Error, **BODY_ERRORS},
    url_name="access_rotate",
    summary="Rotate an access",
)
def rotate_access(request: HttpRequest, project_id: str, access_id: PathId, body: s.AccessRotate):
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
        raise Refused(409, "The access was not rotated.", refusal.message_dict)
    if body.passphrase and body.generate_passphrase:
        raise Refused(
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
        raise refused("The access was not rotated.", exc) from exc
    member_ids = request.project.member_ids()
    replaced = keys_of(request).prefetch_related("buckets").get(id=rotated.replaced.id)
    return Status(
        201,
        {
            **one_time_values(rotated.created, member_ids),
            "replaced": access_out(replaced, member_ids),
        },
    )


@router.get(
    P + "/accesses/{access_id}",
    tags=["Access keys"],
    response={200: s.AccessOut, **ERRORS},
    url_name="access",
    summary="Get an access",
)
def get_access(request: HttpRequest, project_id: str, access_id: PathId):
    """What one access allows, as its details page shows it; never a secret."""
    key = keys_of(request).prefetch_related("buckets").filter(id=access_id).first()
    if key is None:
        raise HttpError(404, "No such access.")
    return access_out(key, request.project.member_ids())


@router.post(
    P + "/accesses",
    tags=["Access keys"],
    response={201: s.CreatedAccessOut, **BODY_ERRORS},
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
        raise refused("The access was not created.", exc) from exc
    return Status(201, one_time_values(created, request.project.member_ids()))


@router.patch(
    P + "/accesses/{access_id}",
    tags=["Access keys"],
    response={200: s.AccessOut, **BODY_ERRORS},
    url_name="access_update",
    summary="Rename or describe an access",
)
def update_access(request: HttpRequest, project_id: str, access_id: PathId, body: s.AccessUpdate):
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
        raise refused("The access was not changed.", exc) from exc
    key = keys_of(request).prefetch_related("buckets").get(id=key.id)
    return access_out(key, request.project.member_ids())


def one_time_values(created, member_ids: set[int]) -> dict:
    """The new access and its one-time values, under the create_access command's keys."""
    return {"access": access_out(created.key, member_ids), **created.one_time_values()}


def delete_keys(request, ids: list[int]):
    """Delete all or nothing, by the service's rules (its codes give the status)."""
    try:
        names = access_delete.delete_accesses(
            request.project, request.user, sorted(set(ids)), origin(request)
        )
    except DjangoValidationError as exc:
        raise refused("Nothing was deleted.", exc) from exc
    return {"deleted": names}


@router.delete(
    P + "/accesses/{access_id}",
    tags=["Access keys"],
    response={200: s.Deleted, 409: Error, **ERRORS},
    url_name="access_delete",
    summary="Delete an access",
)
def delete_access(request: HttpRequest, project_id: str, access_id: PathId):
    """Revoke one access: every grant and S3 credential made from it stops working."""
    return delete_keys(request, [access_id])


@router.post(
    P + "/accesses:delete",
    tags=["Access keys"],
    response={200: s.Deleted, 409: Error, **BODY_ERRORS},
    url_name="accesses_delete",
    summary="Delete several accesses",
)
def delete_many(request: HttpRequest, project_id: str, body: s.DeleteAccesses):
    """Revoke several accesses together: all of them, or none if any cannot be deleted."""
    return delete_keys(request, body.ids)
