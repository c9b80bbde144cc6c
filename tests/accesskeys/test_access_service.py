"""The one entry point that creates accesses, and deleting them."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accesskeys.models import AccessKey, S3Credential
from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.access_delete import delete_accesses
from accesskeys.services.access_rules import codes
from accesskeys.services.lookup import find_s3_credentials
from console import keyring
from console.models import Bucket, Project
from storjformat import caveat, grant, macaroon, passphrase, path_encryption
from tests.helpers.factories import make_access_key
from tests.helpers.satellite import authorize

PHRASE = "my secret passphrase"


def choices(**overrides) -> CreateAccessRequest:
    values = {"name": "my-access", "type": "access_grant", "passphrase": PHRASE}
    return CreateAccessRequest(**{**values, **overrides})


def restriction_of(api_key_raw: bytes) -> caveat.Caveat:
    parsed = macaroon.parse(api_key_raw)
    assert len(parsed.caveats) == 1
    return caveat.decode(parsed.caveats[0])


def action(op, bucket=b"photos", path=b"a/b", time=None):
    return macaroon.Action(op=op, time=time or timezone.now(), bucket=bucket, encrypted_path=path)


def test_it_creates_a_full_access_grant_derived_from_the_passphrase(project, admin):
    created = create_access(project, admin, choices())

    scope = grant.parse_grant(created.access_grant)
    assert scope.satellite_addr == created.satellite_address
    root_key = passphrase.derive_root_key(PHRASE, bytes(project.salt))
    assert scope.encryption_access.default_key == root_key
    assert scope.encryption_access.default_path_cipher == grant.ENC_AESGCM

    restriction = restriction_of(scope.api_key)
    assert restriction.disallow_bypass_governance_retention
    assert not restriction.disallow_reads and not restriction.disallow_deletes
    assert not restriction.disallow_put_retention
    assert restriction.allowed_paths == []
    assert restriction.not_after is None
    assert restriction.not_before is not None
    assert len(restriction.nonce) == 4

    key = created.key
    assert key.full_access and key.all_buckets and key.can_delete
    assert key.object_lock_labels() == [
        "PutObjectRetention",
        "GetObjectRetention",
        "PutObjectLegalHold",
        "GetObjectLegalHold",
        "PutObjectLockConfiguration",
        "GetObjectLockConfiguration",
    ]
    assert created.s3_access_key is None and created.generated_passphrase is None


def test_it_writes_the_advanced_choices_into_the_caveat_and_the_record(project, admin):
    expires = timezone.now() + timedelta(days=7)
    created = create_access(
        project,
        admin,
        choices(
            full_access=False,
            permissions=frozenset(
                {"read", "list", "GetObjectRetention", "BypassGovernanceRetention"}
            ),
            buckets=("photos", "logs"),
            expires_at=expires,
            description="for the backup job",
        ),
    )

    scope = grant.parse_grant(created.access_grant)
    restriction = restriction_of(scope.api_key)
    assert restriction.disallow_writes and restriction.disallow_deletes
    assert not restriction.disallow_reads and not restriction.disallow_lists
    assert restriction.disallow_put_retention and not restriction.disallow_get_retention
    assert not restriction.disallow_bypass_governance_retention
    assert restriction.disallow_put_legal_hold and restriction.disallow_get_legal_hold
    assert [p.bucket for p in restriction.allowed_paths] == [b"photos", b"logs"]
    assert restriction.not_after == expires

    root_key = passphrase.derive_root_key(PHRASE, bytes(project.salt))
    access = scope.encryption_access
    assert access.default_key is None
    assert {e.bucket: e.key for e in access.store_entries} == {
        b"photos": path_encryption.bucket_key(root_key, "photos"),
        b"logs": path_encryption.bucket_key(root_key, "logs"),
    }

    key = AccessKey.objects.get(pk=created.key.pk)
    assert key.permission_labels() == ["Read", "List"]
    assert key.object_lock_labels() == ["GetObjectRetention", "BypassGovernanceRetention"]
    assert not key.all_buckets
    assert sorted(key.buckets.values_list("name", flat=True)) == ["logs", "photos"]
    assert key.not_after == expires
    assert key.description == "for the backup job"


def test_it_creates_s3_credentials_that_the_lookup_opens(project, admin):
    created = create_access(project, admin, choices(type="s3"))

    assert len(created.s3_access_key) == 28 and len(created.s3_secret_key) == 53
    assert created.s3_endpoint
    found = find_s3_credentials(created.s3_access_key)
    assert found.secret_key == created.s3_secret_key
    assert found.access_grant == created.access_grant
    assert found.access_key_id == created.key.pk
    assert AccessKey.objects.get(pk=created.key.pk).last_used_at is not None


def test_it_creates_an_api_key_without_a_passphrase(project, admin):
    created = create_access(project, admin, choices(type="api_key", passphrase=None))

    assert created.access_grant is None
    assert authorize(created.api_key, action(macaroon.Op.READ)) == created.key


def test_it_generates_a_passphrase_when_asked(project, admin):
    created = create_access(project, admin, choices(passphrase_choice="generate", passphrase=None))

    assert passphrase.is_valid_mnemonic(created.generated_passphrase)
    root_key = passphrase.derive_root_key(created.generated_passphrase, bytes(project.salt))
    assert grant.parse_grant(created.access_grant).encryption_access.default_key == root_key


def test_it_derives_from_the_managed_passphrase_in_automatic_projects(admin):
    project = Project.objects.create(name="Auto", passphrase_mode=Project.PassphraseMode.MANAGED)
    keyring.new_managed_passphrase(project)
    project.save()
    project.memberships.create(user=admin, role="admin")

    created = create_access(project, admin, choices(passphrase=None))

    managed = keyring.managed_passphrase(project)
    root_key = passphrase.derive_root_key(managed, bytes(project.salt))
    assert grant.parse_grant(created.access_grant).encryption_access.default_key == root_key


def test_it_checks_actions_against_the_chosen_restrictions(project, admin):
    created = create_access(
        project,
        admin,
        choices(
            type="api_key",
            full_access=False,
            permissions=frozenset({"read"}),
            buckets=("photos",),
            expires_at=timezone.now() + timedelta(days=1),
        ),
    )

    authorize(created.api_key, action(macaroon.Op.READ))
    with pytest.raises(macaroon.ActionDenied):
        authorize(created.api_key, action(macaroon.Op.DELETE))
    with pytest.raises(macaroon.ActionDenied):
        authorize(created.api_key, action(macaroon.Op.READ, bucket=b"logs"))
    with pytest.raises(macaroon.ActionDenied, match="expired"):
        later = timezone.now() + timedelta(days=2)
        authorize(created.api_key, action(macaroon.Op.READ, time=later))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter a name for this access."),
        ({"name": "x" * 101}, "name", "at most 100 characters"),
        ({"type": "ftp"}, "type", "Choose S3 Credentials"),
        ({"full_access": False, "permissions": frozenset()}, "permissions", "at least one"),
        ({"full_access": False, "buckets": ()}, "buckets", "at least one bucket"),
        ({"full_access": False, "buckets": ("nope",)}, "buckets", "no bucket named nope"),
        ({"passphrase": ""}, "passphrase", "Enter your encryption passphrase."),
        ({"passphrase_choice": "new", "passphrase": ""}, "passphrase", "Enter a new passphrase."),
        ({"description": "d" * 501}, "description", "at most 500"),
    ],
)
def test_it_refuses_bad_choices_naming_the_field(project, admin, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        create_access(project, admin, choices(**overrides))

    assert message in " ".join(error.value.message_dict[field])
    assert AccessKey.objects.count() == 0


def test_it_refuses_an_expiration_in_the_past(project, admin):
    with pytest.raises(ValidationError) as error:
        create_access(
            project,
            admin,
            choices(full_access=False, expires_at=timezone.now() - timedelta(minutes=1)),
        )
    assert error.value.message_dict["expires"] == ["Choose a date in the future."]


def test_it_refuses_a_bucket_of_another_project(project, other_project, admin):
    Bucket.objects.create(project=other_project, name="secret-bucket")
    with pytest.raises(ValidationError) as error:
        create_access(project, admin, choices(full_access=False, buckets=("secret-bucket",)))
    assert "buckets" in error.value.message_dict


def test_it_refuses_a_duplicate_name_but_allows_it_after_deletion(project, admin):
    first = create_access(project, admin, choices(type="api_key"))
    with pytest.raises(ValidationError) as error:
        create_access(project, admin, choices(type="api_key"))
    assert error.value.message_dict["name"] == ["This name is already in use"]

    delete_accesses(project, admin, [first.key.pk])
    create_access(project, admin, choices(type="api_key"))
    assert AccessKey.objects.filter(name="my-access").count() == 2


def test_it_writes_nothing_when_the_database_refuses_the_name(project, admin, monkeypatch):
    """The race: both pass the name check, the unique index lets one win."""
    create_access(project, admin, choices(type="s3"))
    monkeypatch.setattr(
        "accesskeys.services.access_create.validate_name", lambda project, name, renamed=None: name
    )

    with pytest.raises(ValidationError) as error:
        create_access(project, admin, choices(type="s3"))

    assert error.value.message_dict["name"] == ["This name is already in use"]
    assert AccessKey.objects.count() == 1
    assert S3Credential.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serializes writers; run on PostgreSQL"
)
def test_it_lets_one_of_two_concurrent_creations_win(project, admin):
    results = []
    barrier = threading.Barrier(2)

    def create():
        barrier.wait()
        try:
            create_access(project, admin, choices(type="api_key"))
            results.append("created")
        except ValidationError as exc:
            results.append(exc.message_dict["name"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["This name is already in use", "created"]
    assert AccessKey.objects.filter(name="my-access").count() == 1


def test_it_lets_members_delete_only_their_own_keys(project, admin, member):
    mine = make_access_key(project, member, "bobs-key")
    admins = make_access_key(project, admin, "alices-key")

    with pytest.raises(ValidationError) as error:
        delete_accesses(project, member, [mine.pk, admins.pk])
    assert "alices-key" in error.value.message_dict["__all__"][0]
    assert AccessKey.objects.not_revoked().count() == 2  # all or nothing

    assert delete_accesses(project, member, [mine.pk]) == ["bobs-key"]
    assert delete_accesses(project, admin, [admins.pk]) == ["alices-key"]
    assert AccessKey.objects.not_revoked().count() == 0


def test_it_refuses_to_delete_keys_of_another_project(project, other_project, admin, outsider):
    theirs = make_access_key(other_project, outsider, "theirs")
    with pytest.raises(ValidationError):
        delete_accesses(project, admin, [theirs.pk])
    assert AccessKey.objects.not_revoked().count() == 1


def test_it_revokes_grants_and_s3_credentials_on_delete(project, admin):
    s3 = create_access(project, admin, choices(type="s3", name="s3-key"))
    api = create_access(project, admin, choices(type="api_key", name="api-key"))
    # A holder may restrict a key further; the restricted copy must die too.
    restricted = macaroon.restrict(
        macaroon.from_api_key_string(api.api_key), caveat.encode(caveat.Caveat(nonce=b"1234"))
    )

    delete_accesses(project, admin, [s3.key.pk, api.key.pk])

    assert find_s3_credentials(s3.s3_access_key) is None
    for key in (api.api_key, macaroon.to_api_key_string(restricted)):
        with pytest.raises(macaroon.ActionDenied, match="revoked"):
            authorize(key, action(macaroon.Op.READ))


def test_it_finds_no_s3_credentials_once_expired_or_unknown(project, admin):
    created = create_access(
        project,
        admin,
        choices(type="s3", full_access=False, expires_at=timezone.now() + timedelta(hours=1)),
    )
    assert find_s3_credentials(created.s3_access_key) is not None
    later = timezone.now() + timedelta(hours=2)
    assert find_s3_credentials(created.s3_access_key, now=later) is None
    assert find_s3_credentials("not-an-access-key") is None
    other = created.s3_access_key[:10] + ("b" if created.s3_access_key[10] != "b" else "c")
    assert find_s3_credentials(other + created.s3_access_key[11:]) is None


def test_it_creates_only_for_members_like_the_other_verbs(project, admin, outsider):
    """Rename and delete checked membership; creation did not (issue 21)."""
    for verb in (
        lambda: create_access(project, outsider, choices(type="api_key")),
        lambda: delete_accesses(project, outsider, [make_access_key(project, admin, "a").pk]),
    ):
        with pytest.raises(ValidationError) as refused:
            verb()
        assert refused.value.message_dict == {"__all__": ["You are not a member of this project."]}
        assert codes(refused.value) == {"not_member"}
    assert not AccessKey.objects.filter(created_by=outsider).exists()
