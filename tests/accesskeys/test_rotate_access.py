"""Rotating a key (services/rotation.py): a new key with the same restrictions, the
old one renamed and working until the overlap ends, one transaction, one event."""

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from accesskeys.models import AccessKey
from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.access_delete import delete_accesses
from accesskeys.services.access_register import register_grant
from accesskeys.services.rotation import rotate_access
from console import key_lifetimes, keyring
from console.event_text import describe
from console.models import AuditEvent, Project
from storjformat import caveat, grant, macaroon, passphrase
from tests.helpers.satellite import authorize

TOKEN = "gateway-token-0123456789"
PHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def tokens(settings):
    settings.AUTH_SERVICE_TOKENS = [TOKEN]


def resolve(key_id: str) -> int:
    return Client().get(f"/v1/access/{key_id}", headers={"Authorization": f"Bearer {TOKEN}"})


def caveat_of(api_key: str) -> caveat.Caveat:
    (raw,) = macaroon.from_api_key_string(api_key).caveats
    return caveat.decode(raw)


def restricted(project, user, name="backup", type_="s3", **fields) -> object:
    request = CreateAccessRequest(
        name=name,
        type=type_,
        description="Nightly backups",
        full_access=False,
        permissions=frozenset(
            {"read", "list", "PutObjectRetention", "GetBucketNotificationConfiguration"}
        ),
        # Not in alphabetical order: the order of a caveat's paths means nothing.
        buckets=("photos", "backups"),
        expires_at=datetime(2031, 1, 1, tzinfo=UTC),
        passphrase=PHRASE,
    )
    return create_access(project, user, dataclasses.replace(request, **fields))


def assert_same_caveat(old_api_key: str, new_api_key: str):
    old, new = caveat_of(old_api_key), caveat_of(new_api_key)
    for f in dataclasses.fields(caveat.Caveat):
        if f.name == "nonce":
            assert old.nonce != new.nonce  # each key gets its own
        elif f.name == "allowed_paths":
            order = lambda p: (p.bucket, p.encrypted_path_prefix)  # noqa: E731
            assert sorted(old.allowed_paths, key=order) == sorted(new.allowed_paths, key=order)
        else:
            assert getattr(new, f.name) == getattr(old, f.name), f.name


def test_a_rotated_s3_credential_resolves_at_once_and_the_old_one_until_the_overlap_ends(
    project, admin
):
    old = restricted(project, admin)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        rotated = rotate_access(
            project, admin, old.key.id, overlap="1d", passphrase=PHRASE, now=start
        )
        new = rotated.created
        assert resolve(new.s3_access_key).status_code == 200
        assert resolve(old.s3_access_key).status_code == 200

    with time_machine.travel(start + timedelta(days=1) - timedelta(seconds=1), tick=False):
        assert resolve(old.s3_access_key).status_code == 200
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert resolve(old.s3_access_key).status_code == 401
        assert resolve(new.s3_access_key).status_code == 200


def test_the_new_keys_caveat_decodes_equal_to_the_old_ones_field_by_field(project, admin):
    old = restricted(project, admin)

    new = rotate_access(project, admin, old.key.id, passphrase=PHRASE).created

    assert_same_caveat(old.api_key, new.api_key)
    assert caveat_of(new.api_key).disallow_deletes  # the restrictions, not defaults
    assert caveat_of(new.api_key).not_after == datetime(2031, 1, 1, tzinfo=UTC)


# (An API key cannot be limited to prefixes where object keys are encrypted.)
@pytest.mark.parametrize("type_", ["s3", "access_grant"])
def test_prefixes_and_the_object_lifetime_are_copied_too(project, admin, type_):
    old = restricted(
        project,
        admin,
        type_=type_,
        buckets=("backups",),
        prefixes=(("photos", "2026/"), ("photos", "shared/")),
        max_object_ttl=timedelta(days=30),
    )

    new = rotate_access(project, admin, old.key.id, passphrase=PHRASE).created

    assert_same_caveat(old.api_key, new.api_key)
    assert caveat_of(new.api_key).max_object_ttl == timedelta(days=30)
    assert [
        p.encrypted_path_prefix
        for p in caveat_of(new.api_key).allowed_paths
        if p.bucket == b"photos"
    ]
    assert new.key.prefixes == [["photos", "2026/"], ["photos", "shared/"]]
    assert new.key.max_object_ttl == timedelta(days=30)
    if new.access_grant:

        def entries(access_grant):
            found = grant.parse_grant(access_grant).encryption_access.store_entries
            return sorted((e.bucket, e.unencrypted_path, e.encrypted_path, e.key) for e in found)

        assert entries(new.access_grant) == entries(old.access_grant)


@pytest.mark.parametrize("type_", ["s3", "access_grant", "api_key"])
def test_every_type_keeps_its_type_and_full_access_stays_full(project, admin, type_):
    old = create_access(project, admin, CreateAccessRequest("all", type_, passphrase=PHRASE))

    new = rotate_access(project, admin, old.key.id, passphrase=PHRASE).created

    assert new.key.type == type_
    assert new.key.full_access
    assert new.key.not_after is None
    assert_same_caveat(old.api_key, new.api_key)


def test_the_stored_restrictions_are_copied_whole(project, admin):
    old = restricted(project, admin).key

    new = rotate_access(project, admin, old.id, passphrase=PHRASE).created.key

    copied = [f.name for f in AccessKey._meta.concrete_fields if f.name.startswith("can_")]
    copied += ["type", "full_access", "all_buckets", "not_after", "not_before", "description"]
    old.refresh_from_db()
    for name in copied:
        if name != "not_after":
            assert getattr(new, name) == getattr(old, name), name
    assert new.not_after == datetime(2031, 1, 1, tzinfo=UTC)
    assert sorted(b.name for b in new.buckets.all()) == ["backups", "photos"]


def test_the_new_key_takes_the_name_and_the_old_is_renamed_and_expires(project, admin):
    old = restricted(project, admin).key
    now = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)

    rotated = rotate_access(project, admin, old.id, passphrase=PHRASE, now=now)

    old.refresh_from_db()
    assert rotated.created.key.name == "backup"
    assert old.name == "backup (replaced 2026-12-04)"
    assert old.not_after == now + timedelta(days=7)  # the default overlap
    assert old.revoked_at is None
    assert rotated.created.key.replaces == old
    assert old.replaced_by == rotated.created.key
    assert old.s3_credentials.get().expires_at == now + timedelta(days=7)


def test_an_overlap_never_makes_the_old_key_last_longer(project, admin):
    soon = timezone.now() + timedelta(hours=2)
    old = restricted(project, admin, expires_at=soon).key

    rotate_access(project, admin, old.id, overlap="30d", passphrase=PHRASE)

    old.refresh_from_db()
    assert old.not_after == soon


def test_now_stops_the_old_key_at_once_for_the_satellite_too(project, admin):
    old = restricted(project, admin)
    read = macaroon.Action(op=macaroon.Op.READ, time=timezone.now(), bucket=b"photos")
    authorize(old.api_key, read)

    new = rotate_access(project, admin, old.key.id, overlap="now", passphrase=PHRASE)

    later = dataclasses.replace(read, time=timezone.now() + timedelta(seconds=1))
    with pytest.raises(macaroon.ActionDenied):
        authorize(old.api_key, later)
    assert authorize(new.created.api_key, later).id == new.created.key.id
    assert resolve(old.s3_access_key).status_code == 401


def test_credentials_registered_from_the_old_key_stop_with_it(project, admin):
    old = create_access(
        project, admin, CreateAccessRequest("app", "access_grant", passphrase=PHRASE)
    )
    registered = register_grant(old.access_grant)
    start = timezone.now()

    rotate_access(project, admin, old.key.id, overlap="1d", passphrase=PHRASE, now=start)

    assert resolve(registered.s3_access_key).status_code == 200
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        assert resolve(registered.s3_access_key).status_code == 401


def test_the_projects_maximum_lifetime_shortens_the_expiration(project, admin):
    old = restricted(project, admin).key  # expires in 2031
    project.max_key_lifetime = "1m"
    project.save()
    now = timezone.now()

    new = rotate_access(project, admin, old.id, passphrase=PHRASE, now=now).created.key

    assert new.not_after == key_lifetimes.BY_CODE["1m"].end(now)


def test_full_access_gets_the_longest_allowed_under_a_policy(project, admin):
    old = create_access(project, admin, CreateAccessRequest("all", "s3", passphrase=PHRASE))
    project.max_key_lifetime = "1m"
    project.save()
    now = timezone.now()

    new = rotate_access(project, admin, old.key.id, passphrase=PHRASE, now=now).created

    assert new.key.full_access
    assert new.key.not_after == key_lifetimes.BY_CODE["1m"].end(now)


def test_a_self_managed_project_asks_for_the_passphrase_again(project, admin):
    old = restricted(project, admin).key

    with pytest.raises(ValidationError) as refused:
        rotate_access(project, admin, old.id)

    assert refused.value.message_dict == {"passphrase": ["Enter your encryption passphrase."]}
    old.refresh_from_db()
    assert old.name == "backup" and old.not_after == datetime(2031, 1, 1, tzinfo=UTC)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_ROTATED).exists()


def test_a_new_grant_derives_from_the_passphrase_given(project, admin):
    old = restricted(project, admin, type_="access_grant")

    new = rotate_access(project, admin, old.key.id, passphrase=PHRASE).created

    def bucket_keys(access_grant):
        entries = grant.parse_grant(access_grant).encryption_access.store_entries
        return sorted((e.bucket, e.key, e.path_cipher) for e in entries)

    assert bucket_keys(new.access_grant) == bucket_keys(old.access_grant)
    other = rotate_access(
        project, admin, new.key.id, passphrase="another phrase", passphrase_choice="new"
    ).created
    assert bucket_keys(other.access_grant) != bucket_keys(old.access_grant)


def test_automatic_projects_use_the_managed_passphrase(admin):
    project = Project.objects.create(name="Auto", passphrase_mode=Project.PassphraseMode.MANAGED)
    keyring.new_managed_passphrase(project)
    project.save()
    project.memberships.create(user=admin, role="admin")
    old = create_access(project, admin, CreateAccessRequest("auto", "access_grant"))

    new = rotate_access(project, admin, old.key.id).created

    root = passphrase.derive_root_key(keyring.managed_passphrase(project), bytes(project.salt))
    assert grant.parse_grant(new.access_grant).encryption_access.default_key == root


def test_one_audit_event_names_both_keys(project, admin):
    old = restricted(project, admin).key
    events_before = AuditEvent.objects.count()

    rotate_access(project, admin, old.id, overlap="30d", passphrase=PHRASE)

    assert AuditEvent.objects.count() == events_before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditEvent.Action.ACCESS_ROTATED
    assert event.actor == admin
    assert event.details["access"] == "backup"
    assert event.details["replaced"].startswith("backup (replaced ")
    assert event.details["overlap"] == "30 days"
    assert event.details["passphrase"] == "current"
    assert PHRASE not in str(event.details)
    text = describe(event.action, event.details)
    assert text.startswith(
        "“backup” (S3 Credentials). Replaces the key now named “backup (replaced "
    )
    assert "which works until" in text and "Expires Jan 1, 2031" in text


def test_members_rotate_their_own_keys_only(project, admin, member):
    theirs = restricted(project, admin).key
    own = restricted(project, member, name="mine").key

    with pytest.raises(ValidationError) as refused:
        rotate_access(project, member, theirs.id, passphrase=PHRASE)
    assert refused.value.message_dict["__all__"] == [
        "Only project Admins and the key's creator can rotate it."
    ]
    rotated = rotate_access(project, member, own.id, passphrase=PHRASE)
    assert rotated.created.key.created_by == member
    # Admins rotate anyone's.
    rotate_access(project, admin, rotated.created.key.id, passphrase=PHRASE)


def test_outsiders_cannot_rotate(project, admin, outsider):
    key = restricted(project, admin).key

    with pytest.raises(ValidationError) as refused:
        rotate_access(project, outsider, key.id, passphrase=PHRASE)

    assert refused.value.message_dict["__all__"] == ["You are not a member of this project."]


def test_a_key_is_replaced_once_and_deleted_or_expired_keys_not_at_all(project, admin):
    key = restricted(project, admin).key
    rotate_access(project, admin, key.id, passphrase=PHRASE)
    with pytest.raises(ValidationError, match="already been replaced by “backup”"):
        rotate_access(project, admin, key.id, passphrase=PHRASE)

    gone = restricted(project, admin, name="gone").key
    delete_accesses(project, admin, [gone.id])
    with pytest.raises(ValidationError, match="deleted"):
        rotate_access(project, admin, gone.id, passphrase=PHRASE)

    expired = restricted(project, admin, name="old").key
    AccessKey.objects.filter(id=expired.id).update(not_after=timezone.now())
    with pytest.raises(ValidationError, match="expired"):
        rotate_access(project, admin, expired.id, passphrase=PHRASE)


def test_an_unknown_overlap_is_refused_with_the_choices(project, admin):
    key = restricted(project, admin).key

    with pytest.raises(ValidationError) as refused:
        rotate_access(project, admin, key.id, overlap="2d", passphrase=PHRASE)

    assert refused.value.message_dict == {
        "overlap": ["Choose how long the old key keeps working: now, 1d, 7d or 30d."]
    }


def test_rotating_twice_in_a_day_numbers_the_replaced_names(project, admin):
    key = restricted(project, admin).key
    now = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)

    first = rotate_access(project, admin, key.id, passphrase=PHRASE, now=now)
    rotate_access(project, admin, first.created.key.id, passphrase=PHRASE, now=now)

    names = set(AccessKey.objects.not_revoked().values_list("name", flat=True))
    assert names == {"backup", "backup (replaced 2026-12-04)", "backup (replaced 2026-12-04) 2"}


def test_a_long_name_is_shortened_to_fit_the_marker(project, admin):
    key = restricted(project, admin, name="n" * 100).key

    rotate_access(project, admin, key.id, passphrase=PHRASE)

    key.refresh_from_db()
    assert len(key.name) <= 100
    assert key.name.endswith(")") and "(replaced " in key.name


# --- manage.py rotate_access ---------------------------------------------------


def run_command(*args) -> dict:
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("rotate_access", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_rotates_and_prints_the_new_values(project, admin):
    old = restricted(project, admin)

    out = run_command(
        "--project", "Alpha", "--user", admin.email, "--access", "backup",
        "--overlap", "30d", "--passphrase", PHRASE,
    )  # fmt: skip

    assert set(out) >= {"access_key", "secret_key", "endpoint", "access_grant", "replaced"}
    assert out["replaced"].startswith("backup (replaced ")
    assert resolve(out["access_key"]).status_code == 200
    assert resolve(old.s3_access_key).status_code == 200
    old.key.refresh_from_db()
    assert old.key.not_after.isoformat() == out["replaced_until"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_ROTATED)
    assert event.user_agent == "manage.py rotate_access"


def test_the_command_says_what_was_wrong(project, admin, member):
    from django.core.management.base import CommandError

    restricted(project, admin)
    with pytest.raises(CommandError, match="passphrase: Enter your encryption passphrase."):
        run_command("--project", "Alpha", "--user", admin.email, "--access", "backup")
    with pytest.raises(CommandError, match="Only project Admins and the key's creator"):
        run_command(
            "--project", "Alpha", "--user", member.email, "--access", "backup",
            "--passphrase", PHRASE,
        )  # fmt: skip
    with pytest.raises(CommandError, match="no access key named 'nope'"):
        run_command("--project", "Alpha", "--user", admin.email, "--access", "nope")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serializes writers; run on PostgreSQL"
)
def test_of_two_rotations_of_one_key_at_once_one_wins(project, admin):
    from tests.accesskeys.test_parallel_creation import run_in_threads

    key = restricted(project, admin).key
    results = {}

    def rotate(i):
        try:
            results[i] = rotate_access(project, admin, key.id, passphrase=PHRASE)
        except ValidationError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = run_in_threads(rotate, 2)

    assert not [t for t in threads if t.is_alive()], "a rotation hung"
    refused = [r for r in results.values() if isinstance(r, ValidationError)]
    assert len(refused) == 1
    assert "already been replaced by “backup”" in str(refused[0])
    assert AccessKey.objects.filter(replaces=key).count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_ROTATED).count() == 1


def test_a_share_links_key_stays_public_with_a_new_link(project, admin):
    from accesskeys.services.access_share import create_share

    old = create_share(project, admin, "photos", "2026/", passphrase_value=PHRASE)

    new = rotate_access(project, admin, old.key.id, passphrase=PHRASE).created

    assert new.key.share_url and new.key.share_url != old.key.share_url
    assert new.s3_access_key in new.key.share_url
    assert new.key.s3_credentials.get().public
    assert_same_caveat(old.api_key, new.api_key)
