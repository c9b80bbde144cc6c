"""Using issued credentials: what Storj's auth service and satellite answer.

`find_s3_credentials` is the auth service's lookup by access key ID;
`authorize` is the satellite's check of an API key against an action. Both
refuse keys that were deleted (revoked) or have expired, and record when a
key was last used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from accesskeys import keyring
from accesskeys.models import AccessKey, S3Credential
from accesskeys.services import macaroon, s3credentials
from accesskeys.services.errors import FormatError


@dataclass(frozen=True)
class S3Access:
    access_key: AccessKey
    secret_key: str
    access_grant: str
    public: bool


def find_s3_credentials(access_key_id: str, now: datetime | None = None) -> S3Access | None:
    """The secret key and grant for an access key ID; None if unknown, expired or revoked."""
    now = now or timezone.now()
    try:
        k = s3credentials.parse_access_key_id(access_key_id)
    except FormatError:
        return None
    record = (
        S3Credential.objects.select_related("access_key")
        .filter(key_hash=s3credentials.key_hash(k), access_key__revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if record is None:
        return None
    secret_key, access_grant = s3credentials.decrypt_record(
        k, bytes(record.secret_key_encrypted), bytes(record.access_grant_encrypted)
    )
    _mark_used(record.access_key, now)
    S3Credential.objects.filter(pk=record.pk).update(last_used_at=now)
    return S3Access(record.access_key, secret_key, access_grant, record.public)


def authorize(api_key: str, action: macaroon.Action) -> AccessKey:
    """The access key behind `api_key` if it allows `action`.

    Raises FormatError for a malformed key and macaroon.ActionDenied when the
    key is unknown, revoked, expired or does not allow the action.
    """
    parsed = macaroon.from_api_key_string(api_key)
    key = AccessKey.objects.filter(head=parsed.head).first()
    if key is None:
        raise macaroon.ActionDenied("api key not found")
    secret = keyring.decrypt_macaroon_secret(key.head, key.secret_encrypted, key.secret_key_id)
    # A deleted key revokes its whole chain, so every restriction of it fails too.
    revoked = macaroon.all_tails(parsed, secret) if key.revoked_at else ()
    macaroon.check(parsed, secret, action, revoked_tails=revoked)
    _mark_used(key, action.time)
    return key


def _mark_used(key: AccessKey, when: datetime) -> None:
    AccessKey.objects.filter(pk=key.pk).update(last_used_at=when)
