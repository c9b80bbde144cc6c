"""Share links (the Buckets page's "Share"): a public read-and-list key for a
bucket or a folder in it, made by the one creation path."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from django.conf import settings

from accesskeys.services.access_create import CreateAccessRequest, CreatedAccess, create_access
from accesskeys.services.access_rules import NAME_MAX_LENGTH, free_name
from console.audit import Origin

SHARE_PERMISSIONS = frozenset({"read", "list"})


SHARE_NAME_PREFIX = "Share "


def raw_link(share_url: str, object_key: str = "") -> str:
    """The direct download form of a share link for one object: /raw/ instead of /s/."""
    base = settings.LINKSHARING_URL.rstrip("/")
    rest = share_url[len(base) + len("/s/") :]
    return f"{base}/raw/{rest}{quote(object_key, safe='/')}"


def _share_name(project, bucket: str, prefix: str) -> str:
    base = f"{SHARE_NAME_PREFIX}{bucket}/{prefix}"[: NAME_MAX_LENGTH - 4]
    return free_name(project.id, base)


def create_share(
    project,
    actor,
    bucket: str,
    prefix: str = "",
    expires_at: datetime | None = None,
    passphrase_value: str | None = None,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> CreatedAccess:
    """A public link to a bucket or a folder in it, as Storj's share dialog makes one:
    a read-and-list key limited to that bucket and prefix, registered as public S3
    credentials. It is a key of its own in the Access Keys list; deleting it ends
    the link. Same rules, same audit as any creation."""
    return create_access(
        project,
        actor,
        CreateAccessRequest(
            name=_share_name(project, bucket, prefix),
            type="s3",
            description="Public link made with Share on the Buckets page.",
            full_access=False,
            permissions=SHARE_PERMISSIONS,
            buckets=(bucket,),
            prefixes=((bucket, prefix),) if prefix else (),
            expires_at=expires_at,
            passphrase=passphrase_value,
            public=True,
        ),
        origin,
        now=now,
    )
