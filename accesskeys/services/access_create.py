"""Creating an access: the one path the dialog, the commands and the API take.

The service is split by verb: `access_rules` (the rules, their words and the
validators), `access_create` (this module), `access_register` (the auth
service API's registration), `access_update` (rename and describe),
`access_delete` and `access_share` (share links); `access_input` reads what
the three entry points were given.

A caller builds a `CreateAccessRequest` (the dialog, `create_access` and the
API through `access_input.parse_create`) and passes it to `create_access`
with who asks and from where (`Origin`). The service validates every field
once, with the same validators the dialog's step forms call (one wording per
rule, in `MESSAGES`; every rule raises Django's `ValidationError` with the
rule's name as its code, e.g. "name_taken"), derives the key material
outside the transaction (Argon2id is the slow part), then writes the key,
its restrictions, its S3 record and its audit event in one transaction, and
returns the one-time values. Only the macaroon head, its encrypted secret and
the S3 record encrypted under the access key ID are stored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accesskeys import macaroon_secrets, permissions
from accesskeys.credential_types import BY_VALUE as CREDENTIAL_TYPES
from accesskeys.credential_types import CredentialType
from accesskeys.models import AccessKey, S3Credential
from accesskeys.services.access_rules import (
    CURRENT,
    EXPIRES,
    PATHS,
    USER_AGENT_MAX_LENGTH,
    membership_of,
    needs_passphrase,
    refuse,
    restrictions_of,
    validate_buckets,
    validate_description,
    validate_expiration,
    validate_max_object_ttl,
    validate_name,
    validate_passphrase,
    validate_permissions,
    validate_prefixes,
    validate_type,
)
from console import audit, key_lifetimes, metrics
from console import keyring as console_keyring
from console.audit import Origin
from console.models import AuditEvent
from storjformat import caveat as caveat_mod
from storjformat import grant as grant_mod
from storjformat import macaroon, passphrase, path_encryption, s3credentials


@dataclass(frozen=True)
class CreateAccessRequest:
    """What to create: built alike by the dialog, the create_access command and the API."""

    name: str
    type: str  # a CredentialType value: "s3", "access_grant" or "api_key"
    description: str = ""
    # Full Access grants permissions.FULL_ACCESS on all buckets with no expiration
    # (or the longest the project's expiry policy allows); the next three fields
    # count only without it.
    full_access: bool = True
    permissions: frozenset[str] = permissions.DEFAULT  # names from the permissions table
    buckets: tuple[str, ...] | None = None  # None: all buckets, current and future
    expires_at: datetime | None = None
    # Object-key prefixes as (bucket, prefix) pairs; their buckets are added to
    # `buckets`. Empty: each bucket whole.
    prefixes: tuple[tuple[str, str], ...] = ()
    # Objects uploaded with the access expire after at most this long.
    max_object_ttl: timedelta | None = None
    # S3 credentials registered as public (a share link): gateways and linksharing
    # serve their objects without a signature.
    public: bool = False
    # One of PASSPHRASE_CHOICES; ignored for types without encryption and for
    # projects with a managed passphrase.
    passphrase_choice: str = CURRENT
    # The passphrase typed (current/new) or generated in the dialog. With
    # GENERATE and no passphrase, one is generated here.
    passphrase: str | None = field(default=None, repr=False)
    # The start of the validity window written into the caveat; None: the moment
    # of creation. A rotation keeps the replaced key's, so both caveats read alike.
    not_before: datetime | None = None

    def granted(self) -> frozenset[str]:
        return permissions.FULL_ACCESS if self.full_access else self.permissions


@dataclass(frozen=True)
class CreatedAccess:
    """The one-time values: shown once, never stored in plaintext."""

    key: AccessKey
    satellite_address: str
    api_key: str | None = None
    access_grant: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_endpoint: str | None = None
    generated_passphrase: str | None = None

    @property
    def share_url(self) -> str:
        return self.key.share_url

    @property
    def credential_type(self) -> CredentialType:
        return CREDENTIAL_TYPES[self.key.type]

    def result(self) -> list[tuple[str, str, bool]]:
        """(label, value, secret) for what the result shows and "Download all" holds."""
        return [
            (item.label, getattr(self, item.attribute), item.secret)
            for item in self.credential_type.result
        ]

    def one_time_values(self) -> dict[str, str | None]:
        """The values for scripts, under the keys create_access prints and the API answers:
        what the type's result shows, and the grant behind S3 credentials too."""
        shown = {item.attribute for item in self.credential_type.result}
        return {
            "access_key": self.s3_access_key,
            "secret_key": self.s3_secret_key,
            "endpoint": self.s3_endpoint,
            "access_grant": self.access_grant,
            "api_key": self.api_key if "api_key" in shown else None,
            "satellite_address": self.satellite_address if "satellite_address" in shown else None,
            "passphrase": self.generated_passphrase,
        }


def clean(
    project, request: CreateAccessRequest, now: datetime, replacing: AccessKey | None = None
) -> CreateAccessRequest:
    """The request with every field validated; one ValidationError names every bad field
    (by the request's field, but "expires" for `expires_at`).

    `replacing` is the key a rotation replaces: the new key may take its name.
    """
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict = {}

    def attempt(name, check, *args, error_field=None):
        try:
            cleaned[name] = check(*args)
        except ValidationError as exc:
            errors[error_field or name] = exc.error_list

    attempt("name", validate_name, project, request.name, replacing)
    attempt("description", validate_description, request.description)
    attempt("type", validate_type, request.type)
    if request.full_access:
        # Full Access has no expiration, unless the project limits how long keys last:
        # then it lasts the longest the project allows. A rotation asks for the
        # replaced key's expiration, which stands if the project allows it.
        latest = key_lifetimes.latest_expiration(project, now)
        wanted = request.expires_at
        cleaned.update(
            permissions=permissions.FULL_ACCESS,
            buckets=None,
            expires_at=wanted
            if wanted is not None and (latest is None or wanted <= latest)
            else latest,
            prefixes=(),
            max_object_ttl=None,
        )
    else:
        attempt("permissions", validate_permissions, request.permissions)
        buckets = request.buckets
        if request.prefixes and not buckets:
            # Prefixes alone name their buckets.
            buckets = tuple(bucket for bucket, prefix in request.prefixes if prefix) or buckets
        attempt("buckets", validate_buckets, project, buckets)
        attempt(
            "prefixes",
            validate_prefixes,
            project,
            request.type,
            request.prefixes,
            error_field=PATHS,
        )
        attempt(
            "expires_at", validate_expiration, project, request.expires_at, now, error_field=EXPIRES
        )
        attempt("max_object_ttl", validate_max_object_ttl, request.max_object_ttl)
        if cleaned.get("prefixes") and "buckets" in cleaned:
            # A prefix's bucket is part of the access, whether or not it was listed.
            listed = cleaned["buckets"] or ()
            cleaned["buckets"] = tuple(
                dict.fromkeys([*listed, *(bucket for bucket, _ in cleaned["prefixes"])])
            )
    if "type" not in errors and needs_passphrase(project, request.type):
        attempt("passphrase", validate_passphrase, request.passphrase_choice, request.passphrase)
    else:
        cleaned["passphrase"] = None
    if errors:
        raise ValidationError(errors)
    return replace(request, **cleaned)


def create_access(
    project,
    actor,
    request: CreateAccessRequest,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> CreatedAccess:
    """Validate, derive the key material, write the key and its audit event in one
    transaction, and return the one-time values."""
    now = now or timezone.now()
    origin = origin or Origin()
    membership_of(project, actor)
    prepared = prepare_access(project, actor, request, origin, now)
    return save_access(project, actor, prepared, origin, now)


@dataclass(frozen=True)
class PreparedAccess:
    """A validated request and its key material, derived but not yet saved."""

    request: CreateAccessRequest
    key: AccessKey  # unsaved
    api_key: str = field(repr=False)
    access_grant: str | None = field(default=None, repr=False)
    generated_passphrase: str | None = field(default=None, repr=False)

    @property
    def credential_type(self) -> CredentialType:
        return CREDENTIAL_TYPES[self.request.type]


def prepare_access(
    project,
    actor,
    request: CreateAccessRequest,
    origin: Origin,
    now: datetime,
    replacing: AccessKey | None = None,
) -> PreparedAccess:
    """Validate the request and derive its key material, outside any transaction
    (Argon2id is the slow part). `replacing`: the key a rotation replaces."""
    request = clean(project, request, now, replacing)
    credential_type = CREDENTIAL_TYPES[request.type]
    root_key, generated = None, None
    if credential_type.encrypts:
        phrase, generated = _encryption_passphrase(project, request)
        root_key = passphrase.derive_root_key(phrase, bytes(project.salt))
    root, secret = macaroon.new_root_key()
    caveat = _restriction(request, now, root_key, path_cipher_of(project))
    api_key = macaroon.restrict(root, caveat_mod.encode(caveat))
    access_grant = None
    if credential_type.encrypts:
        access_grant = _access_grant(project, api_key, root_key, request)
    return PreparedAccess(
        request=request,
        key=_key_row(project, actor, request, root.head, secret, origin, now),
        api_key=macaroon.to_api_key_string(api_key),
        access_grant=access_grant,
        generated_passphrase=generated,
    )


def save_access(
    project,
    actor,
    prepared: PreparedAccess,
    origin: Origin,
    now: datetime,
    audited: bool = True,
) -> CreatedAccess:
    """Write a prepared access (and, if `audited`, its creation event) in one
    transaction; returns the one-time values. A rotation writes its own event."""
    s3 = _save(
        project,
        actor,
        prepared.key,
        prepared.request,
        prepared.credential_type,
        prepared.access_grant,
        origin,
        now,
        audited,
    )
    metrics.ACCESSES_CREATED.labels(prepared.credential_type.command_name, origin.channel).inc()
    return CreatedAccess(
        key=prepared.key,
        satellite_address=settings.SATELLITE_ADDRESS,
        api_key=prepared.api_key,
        access_grant=prepared.access_grant,
        s3_access_key=s3.get("access_key"),
        s3_secret_key=s3.get("secret_key"),
        s3_endpoint=settings.S3_ENDPOINT if s3 else None,
        generated_passphrase=prepared.generated_passphrase,
    )


def _restriction(
    request: CreateAccessRequest, now: datetime, root_key: bytes | None, path_cipher: int
) -> caveat_mod.Caveat:
    """One disallow flag per permission not granted; one Path per whole bucket, then one
    per prefix with the prefix encrypted as `uplink share --prefix` writes it."""
    granted = request.granted()
    prefixed = {bucket for bucket, _ in request.prefixes}
    paths = [
        caveat_mod.CaveatPath(bucket=name.encode())
        for name in request.buckets or ()
        if name not in prefixed
    ]
    for bucket, prefix in request.prefixes:
        if root_key is None:
            # An API key in a project without path encryption (validate_prefixes).
            encrypted = path_encryption.share_path(prefix)
        else:
            encrypted = grant_mod.prefix_entry(root_key, bucket, prefix, path_cipher).encrypted_path
        paths.append(caveat_mod.CaveatPath(bucket=bucket.encode(), encrypted_path_prefix=encrypted))
    return caveat_mod.Caveat(
        **{p.caveat_flag: p.name not in granted for p in permissions.PERMISSIONS},
        allowed_paths=paths,
        not_before=request.not_before or now,
        not_after=request.expires_at,
        max_object_ttl=request.max_object_ttl,
        nonce=secrets.token_bytes(4),
    )


def _encryption_passphrase(project, request: CreateAccessRequest) -> tuple[str, str | None]:
    """The passphrase to derive from, and the one generated here (to show once), if any."""
    if project.is_managed:
        return console_keyring.managed_passphrase(project), None
    if request.passphrase is None:
        generated = passphrase.generate_mnemonic()
        return generated, generated
    return request.passphrase, None


def path_cipher_of(project) -> int:
    """The project's path cipher: AES-GCM, or null when path encryption is off."""
    return grant_mod.ENC_AESGCM if project.path_encryption else grant_mod.ENC_NULL


def _access_grant(project, api_key, root_key: bytes, request: CreateAccessRequest) -> str:
    buckets = request.buckets
    return grant_mod.serialize_grant(
        grant_mod.Scope(
            satellite_addr=settings.SATELLITE_ADDRESS,
            api_key=macaroon.serialize(api_key),
            encryption_access=grant_mod.encryption_access_for(
                root_key,
                list(buckets) if buckets is not None else None,
                path_cipher_of(project),
                list(request.prefixes),
            ),
        )
    )


def _key_row(project, actor, request, head, secret, origin: Origin, now) -> AccessKey:
    secret_encrypted, secret_key_id = macaroon_secrets.encrypt_macaroon_secret(head, secret)
    granted = request.granted()
    return AccessKey(
        project=project,
        name=request.name,
        description=request.description,
        type=request.type,
        created_by=actor,
        created_at=now,
        user_agent=origin.user_agent[:USER_AGENT_MAX_LENGTH],
        head=head,
        secret_encrypted=secret_encrypted,
        secret_key_id=secret_key_id,
        full_access=request.full_access,
        all_buckets=request.buckets is None,
        not_before=request.not_before or now,
        not_after=request.expires_at,
        prefixes=[list(pair) for pair in request.prefixes],
        max_object_ttl=request.max_object_ttl,
        **{p.field: p.name in granted for p in permissions.PERMISSIONS},
    )


def passphrase_detail(project, request: CreateAccessRequest) -> str | None:
    """Which passphrase choice to note in the audit event (never the passphrase)."""
    return request.passphrase_choice if needs_passphrase(project, request.type) else None


def _save(
    project, actor, key, request, credential_type, access_grant, origin, now, audited=True
) -> dict:
    """Key, buckets, S3 record and audit event: all or nothing. Returns the S3 values."""
    s3 = {}
    try:
        with transaction.atomic():
            key.save()
            if request.buckets is not None:
                key.buckets.set(project.buckets.filter(name__in=request.buckets))
            if credential_type.registers_s3:
                s3 = register_s3_credentials(key, access_grant, now, public=request.public)
            if request.public:
                key.share_url = share_link(s3["access_key"], *_shared_path(request))
                key.save(update_fields=["share_url"])
            if audited:
                audit.write_from(
                    origin,
                    AuditEvent.Action.ACCESS_CREATED,
                    project=project,
                    actor=actor,
                    **restrictions_of(key),
                    passphrase=passphrase_detail(project, request),
                )
    except IntegrityError as exc:
        # Two creations with the same name at once: the unique index picks one.
        if AccessKey.objects.not_revoked().filter(project=project, name=key.name).exists():
            raise refuse("name", "name_taken") from exc
        raise
    return s3


def register_s3_credentials(
    key: AccessKey,
    access_grant: str,
    now: datetime,
    public: bool = False,
    usage_tags: tuple[str, ...] = (),
) -> dict:
    """Store the record as Storj's auth service does, encrypted under the key ID.

    Both the New Access dialog and the auth service API (`register_grant`)
    store S3 credentials through here.
    """
    k, access_key_id = s3credentials.generate_access_key_id()
    secret_key = s3credentials.generate_secret_key()
    enc_secret, enc_grant = s3credentials.encrypt_record(k, secret_key, access_grant)
    S3Credential.objects.create(
        access_key=key,
        key_hash=s3credentials.key_hash(k),
        secret_key_encrypted=enc_secret,
        access_grant_encrypted=enc_grant,
        expires_at=key.not_after,
        public=public,
        usage_tags=",".join(usage_tags),
        created_at=now,
    )
    return {"access_key": access_key_id, "secret_key": secret_key}


def share_link(access_key_id: str, bucket: str, prefix: str = "") -> str:
    """The linksharing URL of a bucket or folder: {LINKSHARING_URL}/s/{id}/{bucket}/{prefix}
    (storj/storj web/satellite ``useLinksharing``)."""
    base = settings.LINKSHARING_URL.rstrip("/")
    return f"{base}/s/{access_key_id}/{quote(bucket, safe='')}/{quote(prefix, safe='/')}"


def _shared_path(request: CreateAccessRequest) -> tuple[str, str]:
    if request.prefixes:
        return request.prefixes[0]
    return (request.buckets or ("",))[0], ""


def stored_restrictions(key: AccessKey) -> dict:
    """The key's stored restrictions as a whole, as CreateAccessRequest fields: what a
    rotation copies into the new key. A new kind of restriction joins here."""
    return {
        "type": key.type,
        "full_access": key.full_access,
        "permissions": key.granted(),
        "buckets": None if key.all_buckets else tuple(sorted(b.name for b in key.buckets.all())),
        "prefixes": tuple((bucket, prefix) for bucket, prefix in key.prefixes),
        "max_object_ttl": key.max_object_ttl,
        "expires_at": key.not_after,
        "not_before": key.not_before,
        # Public S3 credentials (a share link) stay public.
        "public": bool(key.share_url),
    }
