"""The console's part of the REST API: a project's buckets, members and audit events.

Mounted by api/api.py, which authenticates the token (request.user,
request.membership, request.project) and answers errors as JSON.
"""

from datetime import datetime
from typing import Literal

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from console import audit
from console.api_common import BODY_ERRORS, ERRORS, P, Page, Refused, Text, admins_only, origin
from console.forms import BucketForm
from console.models import AuditEvent

router = Router()

Action = Literal[tuple(AuditEvent.Action.values)]


class BucketOut(Schema):
    name: str
    object_lock: bool
    created_at: datetime


class BucketCreate(Schema):
    name: Text = Field(examples=["backups-2027"])
    object_lock: bool = False


class MemberOut(Schema):
    email: str
    role: Literal["admin", "member"]
    joined_at: datetime

    @staticmethod
    def resolve_email(membership) -> str:
        return membership.user.email


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    action: Action
    action_label: str
    actor: str = Field(description="The email of who did it; empty if unknown.")
    ip_address: str | None
    user_agent: str
    details: dict

    @staticmethod
    def resolve_action_label(event: AuditEvent) -> str:
        return event.get_action_display()

    @staticmethod
    def resolve_actor(event: AuditEvent) -> str:
        return event.actor_email


class AuditEventPage(Page):
    items: list[AuditEventOut]


@router.get(
    P + "/buckets",
    tags=["Buckets"],
    response={200: list[BucketOut], **ERRORS},
    url_name="buckets",
    summary="List buckets",
)
def list_buckets(request: HttpRequest, project_id: str):
    return list(request.project.buckets.order_by("name"))


@router.post(
    P + "/buckets",
    tags=["Buckets"],
    response={201: BucketOut, **BODY_ERRORS},
    url_name="buckets_create",
    summary="Create a bucket",
)
@admins_only
def create_bucket(request: HttpRequest, project_id: str, body: BucketCreate):
    """Admins only; the same name rules and messages as the Buckets page."""
    form = BucketForm(request.project, {"name": body.name, "object_lock": body.object_lock})
    bucket = form.save(request.user, origin(request)) if form.is_valid() else None
    if bucket is None:
        raise Refused(422, "The bucket was not created.", form.errors)
    return Status(201, bucket)


@router.get(
    P + "/members",
    tags=["Members"],
    response={200: list[MemberOut], **ERRORS},
    url_name="members",
    summary="List members",
)
def list_members(request: HttpRequest, project_id: str):
    return request.project.memberships.select_related("user").order_by("user__email")


class EventQuery(Schema):
    action: Action | None = None
    actor: Text | None = Field(None, max_length=254, description="The actor's email.")
    page: int = Field(1, ge=1, le=1_000_000)
    size: int = Field(25, ge=1, le=100)


@router.get(
    P + "/audit-events",
    tags=["Audit log"],
    response={200: AuditEventPage, **ERRORS},
    url_name="audit_events",
    summary="List audit events",
)
@admins_only
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
