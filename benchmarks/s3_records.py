"""S3 credentials stored as the console stores them, for the benchmarks that resolve them.

Each credential is one access key (a real macaroon head) and one record encrypted
under its access key ID, holding a real access grant; bulk-inserted, so that
thousands take seconds. Needs Django set up.
"""

import os

from django.conf import settings
from django.utils import timezone


def add_s3_credentials(project, count: int, prefix: str = "s3-") -> list[str]:
    """`count` S3 credentials in `project`, named `<prefix>00000`...; their access key IDs."""
    from accesskeys.models import AccessKey, S3Credential
    from storjformat import caveat, grant, macaroon, s3credentials

    now = timezone.now()
    keys, records, ids = [], [], []
    for i in range(count):
        root, _ = macaroon.new_root_key()
        api_key = macaroon.restrict(root, caveat.encode(caveat.Caveat(nonce=os.urandom(4))))
        access_grant = grant.serialize_grant(
            grant.Scope(
                satellite_addr=settings.SATELLITE_ADDRESS,
                api_key=macaroon.serialize(api_key),
                encryption_access=grant.encryption_access_for(os.urandom(32), None),
            )
        )
        k, access_key_id = s3credentials.generate_access_key_id()
        enc_secret, enc_grant = s3credentials.encrypt_record(
            k, s3credentials.generate_secret_key(), access_grant
        )
        keys.append(
            AccessKey(
                project=project,
                name=f"{prefix}{i:05d}",
                type=AccessKey.Type.S3_CREDENTIALS,
                created_at=now,
                head=root.head,
                secret_encrypted=b"x",
                secret_key_id="bench",
                not_before=now,
                full_access=True,
            )
        )
        records.append((s3credentials.key_hash(k), enc_secret, enc_grant))
        ids.append(access_key_id)
    AccessKey.objects.bulk_create(keys, batch_size=1000)
    S3Credential.objects.bulk_create(
        [
            S3Credential(
                access_key=key,
                key_hash=key_hash,
                secret_key_encrypted=enc_secret,
                access_grant_encrypted=enc_grant,
                created_at=now,
            )
            for key, (key_hash, enc_secret, enc_grant) in zip(keys, records, strict=True)
        ],
        batch_size=1000,
    )
    return ids
