"""The Audit page: key filters, risk flags and the event log."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accesskeys.services import key_audit
from console.models import AuditEvent, Bucket, Membership
from tests.helpers.factories import make_key, make_user

FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"


def audit_url(project):
    return reverse("audit", args=[project.public_id])


def key_names(client, project, **params) -> list[str]:
    response = client.get(audit_url(project), params)
    assert response.status_code == 200
    return sorted(key.name for key in response.context["key_page"])


@pytest.fixture
def keys(project, admin, member):
    now = timezone.now()
    return {
        "everything": make_key(project, admin, name="everything", full_access=True),
        "photos-rw": make_key(
            project, member, name="photos-rw", can_delete=False, buckets=["photos"]
        ),
        "backups-del": make_key(
            project,
            member,
            name="backups-del",
            type="api_key",
            buckets=["backups"],
            can_bypass_governance_retention=True,
            not_after=now + timedelta(days=3),
        ),
        "all-readonly": make_key(
            project,
            admin,
            name="all-readonly",
            type="access_grant",
            can_write=False,
            can_delete=False,
            not_after=now + timedelta(days=30),
        ),
        "expired": make_key(project, admin, name="expired", not_after=now - timedelta(days=1)),
        "revoked": make_key(project, admin, name="revoked", revoked_at=now),
    }


def test_it_is_for_admins_only(member_client, project):
    response = member_client.get(audit_url(project))
    assert response.status_code == 403
    assert "Only project Admins" in response.content.decode()


def test_it_shows_the_audit_link_to_admins_only(admin_client, member_client, project):
    assert (
        audit_url(project)
        in admin_client.get(reverse("team", args=[project.public_id])).content.decode()
    )
    assert (
        audit_url(project)
        not in member_client.get(reverse("team", args=[project.public_id])).content.decode()
    )


def test_it_lists_every_key_by_default(admin_client, project, keys):
    assert key_names(admin_client, project) == sorted(keys)


def test_it_filters_by_creator(admin_client, project, keys, member):
    assert key_names(admin_client, project, creator=member.id) == ["backups-del", "photos-rw"]


def test_it_filters_by_type(admin_client, project, keys):
    assert key_names(admin_client, project, type="api_key") == ["backups-del"]
    assert key_names(admin_client, project, type="access_grant") == ["all-readonly"]


def test_it_filters_by_status(admin_client, project, keys):
    assert key_names(admin_client, project, status="revoked") == ["revoked"]
    assert key_names(admin_client, project, status="expired") == ["expired"]
    assert key_names(admin_client, project, status="active") == [
        "all-readonly",
        "backups-del",
        "everything",
        "photos-rw",
    ]


def test_it_filters_by_permission(admin_client, project, keys):
    # Full Access leaves out BypassGovernanceRetention, as Storj's does.
    assert key_names(admin_client, project, permission="can_bypass_governance_retention") == [
        "backups-del"
    ]
    assert "everything" in key_names(admin_client, project, permission="can_delete")
    assert "photos-rw" not in key_names(admin_client, project, permission="can_delete")
    assert "all-readonly" not in key_names(admin_client, project, permission="can_delete")


def test_it_filters_by_bucket(admin_client, project, keys):
    backups = Bucket.objects.get(project=project, name="backups")
    names = key_names(admin_client, project, bucket=backups.id)
    # A key for all buckets reaches backups; one limited to photos does not.
    assert "backups-del" in names and "everything" in names and "all-readonly" in names
    assert "photos-rw" not in names


def test_it_answers_which_keys_can_delete_in_a_bucket(admin_client, project, keys):
    backups = Bucket.objects.get(project=project, name="backups")
    names = key_names(
        admin_client, project, bucket=backups.id, permission="can_delete", status="active"
    )
    assert names == ["backups-del", "everything"]


def test_it_filters_keys_expiring_within_7_days(admin_client, project, keys):
    assert key_names(admin_client, project, expiring="on") == ["backups-del"]


def test_it_refuses_a_bucket_of_another_project(admin_client, project, other_project, keys):
    theirs = Bucket.objects.create(project=other_project, name="elsewhere")
    assert key_names(admin_client, project, bucket=theirs.id) == []


def test_it_flags_risky_keys(admin, project):
    now = timezone.now()
    full = make_key(project, admin, name="full", full_access=True)
    bypass = make_key(
        project,
        admin,
        name="bypass",
        can_bypass_governance_retention=True,
        not_after=now + timedelta(days=10),
    )
    old = make_key(project, admin, name="old", created_at=now - timedelta(days=91))
    young = make_key(project, admin, name="young", created_at=now - timedelta(days=89))
    full_expiring = make_key(
        project, admin, name="full-exp", full_access=True, not_after=now + timedelta(days=1)
    )
    revoked = make_key(project, admin, name="rev", full_access=True, revoked_at=now)

    assert key_audit.risks(full) == [key_audit.FULL_ACCESS_NO_EXPIRATION]
    assert key_audit.risks(bypass) == [key_audit.BYPASS_GOVERNANCE]
    assert key_audit.risks(old) == [key_audit.OLD_NO_EXPIRATION]
    assert key_audit.risks(young) == []
    assert key_audit.FULL_ACCESS_NO_EXPIRATION not in key_audit.risks(full_expiring)
    assert key_audit.risks(revoked) == []


def test_it_shows_flags_and_filters_risky_keys(admin_client, project, admin):
    make_key(project, admin, name="full", full_access=True)
    make_key(project, admin, name="tame", not_after=timezone.now() + timedelta(days=5))
    response = admin_client.get(audit_url(project))
    assert "Full access, no expiration" in response.content.decode()
    assert key_names(admin_client, project, risky="on") == ["full"]


def test_it_shows_who_made_a_key_when_they_left(admin_client, project, keys, member):
    Membership.objects.filter(user=member).delete()
    body = admin_client.get(audit_url(project)).content.decode()
    assert "bob@example.com (former member)" in body


def test_it_shows_the_event_log_with_filters(admin_client, project, admin, member, other_project):
    AuditEvent.objects.create(
        project=project,
        actor=admin,
        actor_email=admin.email,
        action="bucket_created",
        ip_address="192.0.2.1",
        user_agent="Firefox/1",
    )
    AuditEvent.objects.create(
        project=project, actor=member, actor_email=member.email, action="access_created"
    )
    # Sign-ins belong to no project; those of members show here.
    AuditEvent.objects.create(actor=member, actor_email=member.email, action="sign_in")
    AuditEvent.objects.create(actor_email=member.email, action="sign_in_failed")
    stranger = make_user("zed@example.com")
    AuditEvent.objects.create(actor=stranger, actor_email=stranger.email, action="sign_in")
    AuditEvent.objects.create(
        project=other_project, actor=admin, actor_email=admin.email, action="bucket_created"
    )

    def actions(**params):
        response = admin_client.get(audit_url(project), params)
        return sorted((e.action, e.actor_email) for e in response.context["event_page"])

    assert actions() == [
        ("access_created", member.email),
        ("bucket_created", admin.email),
        ("sign_in", member.email),
        ("sign_in_failed", member.email),
    ]
    assert actions(action="bucket_created") == [("bucket_created", admin.email)]
    assert actions(actor=member.email) == [
        ("access_created", member.email),
        ("sign_in", member.email),
        ("sign_in_failed", member.email),
    ]
    body = admin_client.get(audit_url(project)).content.decode()
    assert "192.0.2.1" in body and "Firefox/1" in body
    assert "zed@example.com" not in body


def test_it_pages_the_event_log(admin_client, project, admin):
    for i in range(30):
        AuditEvent.objects.create(
            project=project,
            actor=admin,
            actor_email=admin.email,
            action="bucket_created",
            details={"bucket": f"b{i:02}"},
        )
    first = admin_client.get(audit_url(project), {"action": "bucket_created"})
    page = first.context["event_page"]
    assert len(page) == 25 and page.paginator.num_pages == 2
    assert page[0].details == {"bucket": "b29"}  # newest first
    next_url = first.context["event_pages"]["next"]
    assert "action=bucket_created" in next_url
    second = admin_client.get(audit_url(project) + next_url)
    assert [e.details["bucket"] for e in second.context["event_page"]] == [
        f"b{i:02}" for i in range(4, -1, -1)
    ]


# Two are every signed-in page's (the session, the user); then the user's memberships
# (the project and the switcher), the people the page names (members, creators of
# keys, who has sign-ins of their own), the buckets, the keys counted (bounded), the
# page of keys (a first page: deep ones read their ids first), the event log's actors,
# its events counted (bounded) and its page of events.
AUDIT_QUERIES = 10


def audit_queries() -> int:
    # PostgreSQL reads a page of the event log's union as ids first, then the rows.
    return AUDIT_QUERIES + connection.features.supports_slicing_ordering_in_compound


@pytest.mark.parametrize("query", ["", "?type=s3&page=2", "?risky=on&actor=bob@example.com"])
def test_it_runs_as_many_queries_for_many_keys_and_people_as_for_few(
    admin_client, project, admin, member, query, django_assert_num_queries
):
    for i in range(3):
        make_key(project, member, name=f"few-{i}", buckets=["photos", "logs"], full_access=i == 0)
    AuditEvent.objects.create(
        project=project, actor=member, actor_email=member.email, action="bucket_created"
    )
    with django_assert_num_queries(audit_queries()):
        response = admin_client.get(audit_url(project) + query)
    assert response.status_code == 200 and "few-0" in response.content.decode()

    for i in range(60):
        someone = make_user(f"user-{i}@example.com")
        if i % 2:  # a member with sign-ins of their own, or someone who left a key
            Membership.objects.create(user=someone, project=project, role="member")
            AuditEvent.objects.create(actor=someone, actor_email=someone.email, action="sign_in")
        make_key(project, someone, name=f"many-{i}", buckets=["photos"], full_access=True)
        AuditEvent.objects.create(
            project=project, actor=someone, actor_email=someone.email, action="bucket_created"
        )
    with django_assert_num_queries(audit_queries()):
        response = admin_client.get(audit_url(project) + query)
    assert response.status_code == 200 and "many-" in response.content.decode()


def test_it_counts_events_up_to_a_bound(admin_client, project, admin, monkeypatch):
    monkeypatch.setattr("console.paging.COUNT_BOUND", 30)
    for _ in range(40):
        AuditEvent.objects.create(
            project=project, actor=admin, actor_email=admin.email, action="bucket_created"
        )
    first = admin_client.get(audit_url(project)).content.decode()
    assert 'Event log <span class="muted">(more than 30)</span>' in first
    last = admin_client.get(audit_url(project), {"page": 99}).content.decode()
    assert "Showing 26–30 of more than 30 events" in last
    assert "Pages go as far as the first 30. Filter to reach the others." in last


def test_it_sorts_key_names_without_case(admin_client, project, admin):
    for name in ["zeta", "Alpha", "beta", "Gamma"]:
        make_key(project, admin, name=name)
    response = admin_client.get(audit_url(project))
    assert [key.name for key in response.context["key_page"]] == [
        "Alpha",
        "beta",
        "Gamma",
        "zeta",
    ]


def test_it_links_every_page_near_the_current_one(admin_client, project, admin):
    AuditEvent.objects.bulk_create(
        AuditEvent(project=project, actor=admin, actor_email=admin.email, action="sign_out")
        for _ in range(25 * 9)
    )
    response = admin_client.get(audit_url(project), {"page": 5, "action": "sign_out"})
    pages = response.context["event_pages"]["pages"]
    assert [p["number"] for p in pages] == [1, None, 4, 5, 6, None, 9]
    assert all("action=sign_out" in p["url"] for p in pages if p["number"])
    body = response.content.decode()
    assert "Showing 101–125 of 225 events" in body
    assert 'aria-current="page" aria-label="Page 5, current"' in body


def test_it_writes_event_details_as_sentences(admin_client, project, admin):
    AuditEvent.objects.create(
        project=project,
        actor=admin,
        actor_email=admin.email,
        action="project_created",
        user_agent=FIREFOX_WINDOWS,
        details={"name": "Alpha", "passphrase_mode": "managed", "path_encryption": True},
    )
    body = admin_client.get(audit_url(project)).content.decode()
    assert "Project “Alpha”, passphrase Automatic (Storj-managed), path encryption on." in body
    assert "True" not in body and "None" not in body
    # A short browser and system; the whole string one click away.
    assert "<summary>Firefox 121 on Windows" in body
    assert "rv:121.0) Gecko/20100101 Firefox/121.0</p>" in body


def test_it_counts_filtered_keys_up_to_a_smaller_bound(admin_client, project, admin, monkeypatch):
    monkeypatch.setattr("accesskeys.key_audit_views.FILTERED_COUNT_BOUND", 3)
    for i in range(5):
        make_key(project, admin, name=f"root-{i}", full_access=True)
    make_key(project, admin, name="reader", can_write=False, can_delete=False)

    def heading(**params) -> str:
        page = admin_client.get(audit_url(project), params).context["key_page"]
        return page.paginator.count_label

    assert heading() == "6"
    assert heading(risky="on") == "more than 3"
    assert heading(permission="can_delete", page=1) == "more than 3"
    assert heading(type="access_grant") == "0"
    # Pages of a filter reach as far as the bound: the first 3 risky keys.
    far = admin_client.get(audit_url(project), {"risky": "on", "kpage": 9}).context["key_page"]
    assert far.number == 1 and far.paginator.pages_label == "1+"
