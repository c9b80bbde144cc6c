"""The REST API's buckets, members and audit events, as each role."""

from django.test import Client

from console.models import AuditEvent, Bucket
from tests.helpers.factories import bearer


def url(project, rest):
    return f"/api/v1/projects/{project.public_id}/{rest}"


def post(project, rest, data, token):
    return Client().post(url(project, rest), data, content_type="application/json", **bearer(token))


def test_it_lists_buckets(project, member_token):
    response = Client().get(url(project, "buckets"), **bearer(member_token))
    assert response.status_code == 200
    assert [(b["name"], b["object_lock"]) for b in response.json()] == [
        ("backups", True),
        ("logs", False),
        ("photos", False),
    ]


def test_an_admin_creates_a_bucket_audited_as_through_the_api(project, admin, admin_token):
    response = post(project, "buckets", {"name": "videos", "object_lock": True}, admin_token)
    assert response.status_code == 201
    assert response.json()["name"] == "videos" and response.json()["object_lock"] is True
    assert Bucket.objects.get(project=project, name="videos").object_lock
    event = AuditEvent.objects.get(action=AuditEvent.Action.BUCKET_CREATED)
    assert event.actor == admin
    assert event.details == {
        "bucket": "videos",
        "object_lock": True,
        "via": "api",
        "api_token": "alice@example.com test token",
    }


def test_it_gives_the_pages_messages_for_a_bad_bucket_name(project, admin_token):
    response = post(project, "buckets", {"name": "Bad_Name"}, admin_token)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "name",
            "message": "Bucket names can contain only lowercase letters, numbers, dots (.) "
            "and hyphens (-).",
        }
    ]
    taken = post(project, "buckets", {"name": "photos"}, admin_token)
    assert taken.json()["errors"] == [
        {"field": "name", "message": "A bucket with this name already exists in the project."}
    ]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.BUCKET_CREATED).exists()


def test_a_member_cannot_create_a_bucket(project, member_token):
    response = post(project, "buckets", {"name": "videos"}, member_token)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only project Admins can do this."
    assert not Bucket.objects.filter(name="videos").exists()


def test_a_member_is_refused_before_their_body_is_read(project, member_token):
    response = post(project, "buckets", {"nonsense": 1}, member_token)
    assert response.status_code == 403


def test_it_lists_members_with_their_roles(project, admin, member, outsider, member_token):
    response = Client().get(url(project, "members"), **bearer(member_token))
    assert response.status_code == 200
    assert [(m["email"], m["role"]) for m in response.json()] == [
        ("alice@example.com", "admin"),
        ("bob@example.com", "member"),
    ]


def test_an_admin_reads_the_audit_log_with_the_pages_filters(
    project, other_project, admin, member, admin_token
):
    AuditEvent.objects.create(
        project=project,
        actor=member,
        actor_email=member.email,
        action=AuditEvent.Action.ACCESS_CREATED,
        details={"access": "k"},
    )
    AuditEvent.objects.create(
        project=project,
        actor=admin,
        actor_email=admin.email,
        action=AuditEvent.Action.BUCKET_CREATED,
    )
    # A sign-in belongs to no project but to a member; another project's event is not shown.
    AuditEvent.objects.create(
        actor=member, actor_email=member.email, action=AuditEvent.Action.SIGN_IN
    )
    AuditEvent.objects.create(project=other_project, action=AuditEvent.Action.PROJECT_CREATED)

    client = Client()
    every = client.get(url(project, "audit-events"), **bearer(admin_token)).json()
    actions = [e["action"] for e in every["items"]]
    assert "project_created" not in actions
    assert {"access_created", "bucket_created", "sign_in"} <= set(actions)

    bobs = client.get(
        url(project, "audit-events"), {"actor": "bob@example.com"}, **bearer(admin_token)
    ).json()
    assert {e["action"] for e in bobs["items"]} == {"access_created", "sign_in"}

    created = client.get(
        url(project, "audit-events"), {"action": "access_created"}, **bearer(admin_token)
    ).json()
    assert [(e["actor"], e["details"]) for e in created["items"]] == [
        ("bob@example.com", {"access": "k"})
    ]
    assert created["items"][0]["action_label"] == "Access created"

    paged = client.get(
        url(project, "audit-events"), {"size": 1, "page": 2}, **bearer(admin_token)
    ).json()
    assert len(paged["items"]) == 1 and paged["count"] == every["count"]


def test_an_unknown_action_filter_is_a_422_naming_the_field(project, admin_token):
    response = Client().get(url(project, "audit-events"), {"action": "nope"}, **bearer(admin_token))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["action"]


def test_a_member_cannot_read_the_audit_log(project, member_token):
    response = Client().get(url(project, "audit-events"), **bearer(member_token))
    assert response.status_code == 403


def test_text_with_a_nul_character_is_refused_not_a_500(project, admin_token):
    response = Client().get(url(project, "accesses"), {"search": "a\x00b"}, **bearer(admin_token))
    assert response.status_code == 422
    bucket = post(project, "buckets", {"name": "abc\x00"}, admin_token)
    assert bucket.status_code == 422


def test_unknown_api_paths_answer_json_404(project, admin_token):
    response = Client().get("/api/v1/projects/not-a-uuid/accesses/x/y", **bearer(admin_token))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_openapi_document_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    base = "/api/v1/projects/{project_id}/"
    assert set(paths) == {
        base + "accesses",
        base + "accesses/{access_id}",
        base + "accesses/{access_id}:rotate",
        base + "accesses:delete",
        base + "buckets",
        base + "members",
        base + "audit-events",
    }
    assert set(paths[base + "accesses"]) == {"get", "post"}
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # A page rendered on the server from the same document: every operation is on it.
    for path in paths:
        assert path.encode() in docs.content
    assert b"cdn." not in docs.content
    assert b"<script" not in docs.content.split(b"</head>")[1]


# Operation ids are what generated clients name their methods after: they stay as
# they were when every operation lived in api/api.py, wherever a router moves.
OPERATIONS = {
    ("get", "accesses"): ("api_api_list_accesses", "Access keys"),
    ("post", "accesses"): ("api_api_create_access", "Access keys"),
    ("get", "accesses/{access_id}"): ("api_api_get_access", "Access keys"),
    ("patch", "accesses/{access_id}"): ("api_api_update_access", "Access keys"),
    ("delete", "accesses/{access_id}"): ("api_api_delete_access", "Access keys"),
    ("post", "accesses/{access_id}:rotate"): ("api_api_rotate_access", "Access keys"),
    ("post", "accesses:delete"): ("api_api_delete_many", "Access keys"),
    ("get", "buckets"): ("api_api_list_buckets", "Buckets"),
    ("post", "buckets"): ("api_api_create_bucket", "Buckets"),
    ("get", "members"): ("api_api_list_members", "Members"),
    ("get", "audit-events"): ("api_api_list_audit_events", "Audit log"),
}


def test_every_operation_keeps_its_id_and_tag_and_asks_for_a_token(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    base = "/api/v1/projects/{project_id}/"
    found = {
        (method, path.removeprefix(base)): (op["operationId"], *op["tags"])
        for path, item in paths.items()
        for method, op in item.items()
    }
    assert found == OPERATIONS
    securities = [op["security"] for item in paths.values() for op in item.values()]
    assert all(security == [{"ProjectToken": []}] for security in securities)
