"""The Audit page's key rows, written in Python: every text escaped, every cell there."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accesskeys import audit_rows
from accesskeys.models import AccessKey
from accesskeys.services import key_audit
from console.models import Bucket
from tests.helpers.factories import make_key, make_user

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_it_escapes_every_text_a_key_row_shows(admin_client, project, admin):
    Bucket.objects.create(project=project, name=f"b{HOSTILE}")
    leaver = make_user(f"{HOSTILE}@example.com")  # not a member: "(former member)"
    make_key(
        project,
        leaver,
        name=f"{HOSTILE}&\"'",
        buckets=[f"b{HOSTILE}"],
        prefixes=[[f"b{HOSTILE}", f"p{HOSTILE}/"]],
        other_restrictions=[f"r{HOSTILE}"],
        not_after=timezone.now() + timedelta(days=3),
    )
    body = admin_client.get(reverse("audit", args=[project.public_id])).content.decode()
    assert HOSTILE not in body
    row = body[body.index('<th scope="row">') : body.index("</tr>", body.index('<th scope="row">'))]
    assert f">{ESCAPED}&amp;&quot;&#x27;</a>" in row  # the name
    assert f"{ESCAPED}@example.com (former member)<div" in row  # the creator
    assert f'<td data-label="Buckets">b{ESCAPED}<div' in row
    assert f"Only objects under b{ESCAPED}/p{ESCAPED}/</div>" in row
    assert f"r{ESCAPED}</div>" in row
    assert ">Created by a former member</span>" in row


def test_it_writes_each_cell_of_a_row(project, admin):
    now = timezone.now()
    key = make_key(
        project,
        admin,
        name="locker",
        can_delete=False,
        can_put_object_retention=True,
        can_get_bucket_notification_configuration=True,
        can_bypass_governance_retention=True,
        not_after=now.replace(year=2031, month=3, day=5, hour=7, minute=4),
        last_used_at=now.replace(year=2026, month=1, day=2, hour=23, minute=59),
    )
    keys = key_audit.with_bucket_list(AccessKey.objects.filter(pk=key.pk))
    html = audit_rows.rows(key_audit.audited_keys(keys, {admin.id}, now), keys_url="/k/")
    assert f'<a href="/k/{key.id}/">locker</a>' in html
    assert '<span class="badge badge-success">Active</span>' in html
    assert '<td data-label="Permissions">Read, Write, List' in html
    assert '<div class="muted small">PutObjectRetention, BypassGovernanceRetention</div>' in html
    assert '<div class="muted small">GetBucketNotificationConfiguration</div>' in html
    assert '<td data-label="Buckets">All buckets</td>' in html
    assert '<td data-label="Expires">Mar 5, 2031 07:04 UTC</td>' in html
    assert '<td data-label="Last used">Jan 2, 2026 23:59</td>' in html
    assert '<span class="badge badge-danger">Can bypass governance retention</span>' in html
