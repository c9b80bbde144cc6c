"""Creating and deleting accesses: the one path the dialog, the commands and the API take.

A caller builds a `CreateAccessRequest` and passes it to `create_access`
with who asks and from where (`Origin`). The service validates every field
with the same validators the dialog's step forms call (one wording per rule,
in `MESSAGES`), derives the key material outside the transaction (Argon2id is
the slow part), then writes the key, its restrictions, its S3 record and its
audit event in one transaction, and returns the one-time values. Only the
macaroon head, its encrypted secret and the S3 record encrypted under the
access key ID are stored.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
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
from console import audit, key_lifetimes
from console import keyring as console_keyring
from console.audit import Origin
from console.models import AuditEvent, Membership
from console.text_rules import has_control_characters
from storjformat import caveat as caveat_mod
from storjformat import grant as grant_mod
from storjformat import macaroon, passphrase, path_encryption, s3credentials
from storjformat.errors import FormatError

NAME_MAX_LENGTH = AccessKey._meta.get_field("name").max_length
DESCRIPTION_MAX_LENGTH = AccessKey._meta.get_field("description").max_length
USER_AGENT_MAX_LENGTH = AccessKey._meta.get_field("user_agent").max_length
PASSPHRASE_CHOICES = ("current", "new", "generate")
# Object-key prefixes: Storj's console caps the paths of a shared access; an object
# key is at most 1,024 bytes on Storj's satellite, and so is a prefix of one.
MAX_PREFIXES = 10
MAX_PREFIX_BYTES = 1024
# Uploaded objects' maximum lifetime (caveat max_object_ttl): whole hours, up to ten years.
MIN_OBJECT_TTL = timedelta(hours=1)
MAX_OBJECT_TTL = timedelta(days=3650)
MIN_OBJECT_TTL_TEXT, MAX_OBJECT_TTL_TEXT = "1 hour", "3,650 days"

# Every rule's one wording, for the service and the dialog's step forms alike.
# Rules that list values use %(value)s, as Django's own choice errors do.
MESSAGES = {
    "name_required": "Enter a name for this access.",
    "name_too_long": f"The name can be at most {NAME_MAX_LENGTH} characters long.",
    "name_taken": "This name is already in use",
    "name_control": "The name cannot contain control characters.",
    "description_too_long": (
        f"The description can be at most {DESCRIPTION_MAX_LENGTH} characters long."
    ),
    "description_control": "The description cannot contain control characters.",
    "type_unknown": "Choose "
    + ", ".join(t.label for t in list(CREDENTIAL_TYPES.values())[:-1])
    + f" or {list(CREDENTIAL_TYPES.values())[-1].label}.",
    "permission_required": "Choose at least one permission.",
    "permission_unknown": "Unknown permission: %(value)s.",
    "bucket_required": "Choose at least one bucket.",
    "bucket_unknown": "This project has no bucket named %(value)s.",
    "expiration_past": "Choose a date in the future.",
    "prefix_too_many": f"An access can be limited to at most {MAX_PREFIXES} prefixes.",
    "prefix_leading_slash": "A prefix cannot start with “/”: %(value)s.",
    "prefix_nul": "A prefix cannot contain the NUL character.",
    "prefix_not_text": "A prefix must be text (valid UTF-8).",
    "prefix_too_long": (
        f"A prefix can be at most {MAX_PREFIX_BYTES:,} bytes long in UTF-8: %(value)s."
    ),
    "prefix_api_key": (
        "An API key carries no encryption key, so in a project that encrypts object keys "
        "it cannot be limited to prefixes. Choose S3 Credentials or Access Grant."
    ),
    "object_ttl_format": "Enter the object lifetime as hours or days, like 12h or 30d.",
    "prefix_format": "Give a prefix as bucket/prefix, like photos/2026/: %(value)s.",
    "object_ttl_range": (
        f"The object lifetime must be between {MIN_OBJECT_TTL_TEXT} and {MAX_OBJECT_TTL_TEXT}."
    ),
    "passphrase_choice": "Choose how to set the encryption passphrase.",
    "passphrase_current_required": "Enter your encryption passphrase.",
    "passphrase_new_required": "Enter a new passphrase.",
    "passphrase_generated_invalid": "The generated passphrase is not a valid 12-word phrase.",
    "update_not_allowed": (
        "Only project Admins and the key's creator can rename it or change its description."
    ),
    "update_gone": "This access key has been deleted: it can no longer be changed.",
    "delete_none": "Select at least one access key to delete.",
    "delete_not_member": "You are not a member of this project.",
    "delete_gone": "Some of the selected access keys no longer exist. Nothing was deleted.",
    "delete_not_yours": (
        "Members can delete only the access keys they created. "
        "Not yours: %(value)s. Nothing was deleted."
    ),
}


class AccessError(Exception):
    """Bad choices for a new access, or a delete that is not allowed.

    `errors` maps a field of CreateAccessRequest ("name", "description",
    "type", "permissions", "buckets", "expires_at", "passphrase") or
    "__all__" to its messages.
    """

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(" ".join(messages) for messages in errors.values()))


def _refuse(field_name: str, rule: str, value: Iterable[str] | None = None) -> AccessError:
    message = MESSAGES[rule]
    if value is not None:
        message = message % {"value": ", ".join(value)}
    return AccessError({field_name: [message]})


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
    # "current", "new" or "generate"; ignored for types without encryption and
    # for projects with a managed passphrase.
    passphrase_choice: str = "current"
    # The passphrase typed (current/new) or generated in the dialog. With
    # "generate" and no passphrase, one is generated here.
    passphrase: str | None = field(default=None, repr=False)
    # The start of the validity window written into the caveat; None: the moment
    # of creation. A rotation keeps the replaced key's, so both caveats read alike.
    not_before: datetime | None = None

    def granted(self) -> frozenset[str]:
        return permissions.FULL_ACCESS if self.full_access else self.permissions


@dataclass(frozen=True)
class CreatedAccess:
    """The one-time values: shown once, never stored in plaintext."""

    access_key: AccessKey
    satellite_address: str
    api_key: str | None = None
    access_grant: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_endpoint: str | None = None
    generated_passphrase: str | None = None

    @property
    def share_url(self) -> str:
        return self.access_key.share_url

    @property
    def credential_type(self) -> CredentialType:
        return CREDENTIAL_TYPES[self.access_key.type]

    def result(self) -> list[tuple[str, str, bool]]:
        """(label, value, secret) for what the result shows and "Download all" holds."""
        return [
            (item.label, getattr(self, item.attribute), item.secret)
            for item in self.credential_type.result
        ]


# --- validation: the same functions the dialog's step forms call --------------


def validate_name(project, name: str, renamed: AccessKey | None = None) -> str:
    """The cleaned name; required, not too long, unique among the project's live keys
    (other than `renamed`, the key being renamed, which may keep its name)."""
    name = (name or "").strip()
    if not name:
        raise _refuse("name", "name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise _refuse("name", "name_too_long")
    if has_control_characters(name):
        raise _refuse("name", "name_control")
    others = AccessKey.objects.not_revoked().filter(project=project, name=name)
    if renamed is not None:
        others = others.exclude(id=renamed.id)
    if others.exists():
        raise _refuse("name", "name_taken")
    return name


def validate_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise _refuse("description", "description_too_long")
    # Line breaks and tabs are fine in a description; other control characters are not.
    if has_control_characters(description, multiline=True):
        raise _refuse("description", "description_control")
    return description


def validate_type(type_: str) -> str:
    if type_ not in CREDENTIAL_TYPES:
        raise _refuse("type", "type_unknown")
    return type_


def validate_permissions(names: Iterable[str]) -> frozenset[str]:
    """Known names, at least one of them a basic permission (read, write, list, delete)."""
    chosen = frozenset(names)
    unknown = chosen - set(permissions.BY_NAME)
    if unknown:
        raise _refuse("permissions", "permission_unknown", sorted(unknown))
    if not chosen & set(permissions.names(permissions.BASIC)):
        raise _refuse("permissions", "permission_required")
    return chosen


def validate_buckets(project, buckets: Iterable[str] | None) -> tuple[str, ...] | None:
    if buckets is None:
        return None
    names = tuple(dict.fromkeys(buckets))  # keep order, drop repeats
    if not names:
        raise _refuse("buckets", "bucket_required")
    known = set(project.buckets.filter(name__in=names).values_list("name", flat=True))
    unknown = [name for name in names if name not in known]
    if unknown:
        raise _refuse("buckets", "bucket_unknown", unknown)
    return names


def validate_prefixes(
    project, type_: str, prefixes: Iterable[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """(bucket, prefix) pairs: existing buckets, UTF-8 text without NUL, not starting
    with "/", at most MAX_PREFIX_BYTES, at most MAX_PREFIXES. Repeats are dropped;
    an empty prefix means the whole bucket and is dropped too (the bucket stays)."""
    pairs = tuple(dict.fromkeys((bucket, prefix) for bucket, prefix in prefixes if prefix))
    if len(pairs) > MAX_PREFIXES:
        raise _invalid("prefix_too_many")
    for _, prefix in pairs:
        try:
            raw = prefix.encode("utf-8")
        except UnicodeEncodeError:
            raise _invalid("prefix_not_text") from None
        if "\x00" in prefix:
            raise _invalid("prefix_nul")
        if prefix.startswith("/"):
            raise _invalid("prefix_leading_slash", [prefix])
        if len(raw) > MAX_PREFIX_BYTES:
            raise _invalid("prefix_too_long", [f"{len(raw):,} bytes"])
    try:
        validate_buckets(project, [bucket for bucket, _ in pairs] or None)
    except AccessError as exc:
        raise ValidationError(exc.errors["buckets"], code="bucket_unknown") from None
    if pairs and type_ == "api_key" and project.path_encryption:
        raise _invalid("prefix_api_key")
    return pairs


def validate_max_object_ttl(ttl: timedelta | None) -> timedelta | None:
    if ttl is not None and not MIN_OBJECT_TTL <= ttl <= MAX_OBJECT_TTL:
        raise _invalid("object_ttl_range")
    return ttl


def parse_object_ttl(text: str | None) -> timedelta | None:
    """ "12h" or "30d" (create_access and the API); None for none."""
    text = (text or "").strip().lower()
    if not text:
        return None
    number, unit = text[:-1].strip(), text[-1:]
    if unit not in ("h", "d") or not number.isdigit() or len(number) > 7:
        raise _invalid("object_ttl_format")
    return timedelta(hours=int(number)) if unit == "h" else timedelta(days=int(number))


def parse_bucket_prefix(text: str) -> tuple[str, str]:
    """ "photos/2026/" → ("photos", "2026/"): the bucket is up to the first "/"."""
    bucket, slash, prefix = text.partition("/")
    if not bucket or not slash or not prefix:
        raise _invalid("prefix_format", [text])
    return bucket, prefix


def _invalid(rule: str, value: Iterable[str] | None = None) -> ValidationError:
    """A rule broken, as Django's ValidationError with the rule as its code."""
    params = {"value": ", ".join(value)} if value is not None else None
    return ValidationError(MESSAGES[rule], code=rule, params=params)


def validate_expiration(project, expires_at: datetime | None, now: datetime) -> datetime | None:
    """A moment in the future, within the project's maximum lifetime if it has one."""
    if expires_at is not None and expires_at <= now:
        raise _refuse("expires_at", "expiration_past")
    broken = key_lifetimes.policy_error(project, expires_at, now)
    if broken:
        raise AccessError({"expires_at": [broken]})
    return expires_at


def needs_passphrase(project, type_: str) -> bool:
    """Whether the user gives a passphrase: only for types that encrypt, in self-managed projects.

    An unknown type counts as encrypting, so the dialog keeps its Encryption step.
    """
    credential_type = CREDENTIAL_TYPES.get(type_)
    encrypts = credential_type.encrypts if credential_type else True
    return encrypts and not project.is_managed


def validate_passphrase(choice: str, value: str | None) -> str | None:
    """The passphrase to use; None when one must be generated here."""
    if choice not in PASSPHRASE_CHOICES:
        raise _refuse("passphrase", "passphrase_choice")
    if choice == "generate":
        if value and not passphrase.is_valid_mnemonic(value):
            raise _refuse("passphrase", "passphrase_generated_invalid")
        return value or None
    # A new passphrase of spaces alone is refused; a current one is whatever the user has.
    if not value or (choice == "new" and not value.strip()):
        rule = "passphrase_current_required" if choice == "current" else "passphrase_new_required"
        raise _refuse("passphrase", rule)
    return value


def clean(
    project, request: CreateAccessRequest, now: datetime, replacing: AccessKey | None = None
) -> CreateAccessRequest:
    """The request with every field validated; one AccessError names every bad field.

    `replacing` is the key a rotation replaces: the new key may take its name.
    """
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def attempt(name, check, *args):
        try:
            cleaned[name] = check(*args)
        except AccessError as exc:
            errors.update(exc.errors)
        except ValidationError as exc:
            errors[name] = exc.messages

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
        attempt("prefixes", validate_prefixes, project, request.type, request.prefixes)
        attempt("expires_at", validate_expiration, project, request.expires_at, now)
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
        raise AccessError(errors)
    return replace(request, **cleaned)


# --- creation ----------------------------------------------------------------


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
    return CreatedAccess(
        access_key=prepared.key,
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
                s3 = _register_s3_credentials(key, access_grant, now, public=request.public)
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
            raise _refuse("name", "name_taken") from exc
        raise
    return s3


def _register_s3_credentials(
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


# --- registration through the auth service API (POST /v1/access) ------------

# Edge registers a grant no sooner than a minute before it expires
# (pkg/auth/authdb/db.go, Database.Put).
MIN_REGISTERED_LIFETIME = timedelta(minutes=1)
# The usage tags edge knows (authdb.processUsageTags); anything else is refused.
KNOWN_USAGE_TAGS = frozenset({"mcp"})
REGISTERED_SUFFIX = " (S3 via API)"


class RegistrationError(Exception):
    """A grant the auth service refuses to register; the message is edge's wording.

    Edge answers these with 400 and the error text, whose class prefix
    ("access grant: ", "invalid tag: ") says what was wrong.
    """


@dataclass(frozen=True)
class RegisteredCredentials:
    access_key: AccessKey  # the new row in the project's Access Keys list
    s3_access_key: str
    s3_secret_key: str
    s3_endpoint: str


def usage_tags_of(tags: Iterable[str]) -> tuple[str, ...]:
    """Edge's processUsageTags: lowercased, sorted, deduplicated, known tags only."""
    cleaned = sorted({tag.lower() for tag in tags})
    for tag in cleaned:
        if "," in tag:
            raise RegistrationError("invalid tag: can't contain commas")
        if tag and tag not in KNOWN_USAGE_TAGS:
            raise RegistrationError(f"invalid tag: unknown tag {json.dumps(tag)}")
    return tuple(tag for tag in cleaned if tag)


def _grant_restrictions(project, caveats: list[caveat_mod.Caveat]) -> dict:
    """What a grant's caveats allow, as the restriction fields of an AccessKey.

    Every caveat must allow an action, so a permission is kept only when no
    caveat disallows it, the buckets are those every path-restricting caveat
    names, and the validity window is the narrowest one.
    """
    fields = {
        p.field: not any(getattr(cav, p.caveat_flag) for cav in caveats)
        for p in permissions.PERMISSIONS
    }
    # The legacy disallow_locks (field 5) denies every object-lock action
    # (storj/common macaroon/apikey.go).
    locks_disallowed = any(cav.disallow_locks for cav in caveats)
    if locks_disallowed:
        for p in permissions.in_group(permissions.OBJECT_LOCK):
            fields[p.field] = False
    ttls = [cav.max_object_ttl for cav in caveats if cav.max_object_ttl is not None]
    unknown = sorted({num for cav in caveats for num in cav.unknown_fields})
    others = ["Object lock: not allowed"] if locks_disallowed else []
    others += [
        f"Caveat field {num}: a restriction this console does not know; "
        "it may allow less than shown"
        for num in unknown
    ]
    bucket_names: set[str] | None = None
    prefixed = False
    for cav in caveats:
        if not cav.allowed_paths:
            continue
        names = {p.bucket.decode("utf-8", "replace") for p in cav.allowed_paths}
        prefixed = prefixed or any(p.encrypted_path_prefix for p in cav.allowed_paths)
        bucket_names = names if bucket_names is None else bucket_names & names
    ends = [cav.not_after for cav in caveats if cav.not_after is not None]
    starts = [cav.not_before for cav in caveats if cav.not_before is not None]
    granted = {p.name for p in permissions.PERMISSIONS if fields[p.field]}
    return {
        **fields,
        "full_access": (
            granted == permissions.FULL_ACCESS
            and bucket_names is None
            and not ends
            and not ttls
            and not others
        ),
        "max_object_ttl": min(ttls) if ttls else None,
        "other_restrictions": others,
        "all_buckets": bucket_names is None,
        "bucket_objects": (
            list(project.buckets.filter(name__in=bucket_names)) if bucket_names else []
        ),
        "prefixed": prefixed,
        "not_after": min(ends) if ends else None,
        "not_before": max(starts) if starts else None,
    }


def _plain_prefixes(scope: grant_mod.Scope, caveats: list[caveat_mod.Caveat]) -> list[list[str]]:
    """The prefixes of a registered grant in plain text, from its own encryption store.

    `uplink share --prefix` writes, for each shared path, a store entry holding
    both the encrypted prefix the caveat names and the unencrypted one. The last
    caveat that names paths is the narrowest; a path without such an entry is left
    out (the description then says the key is limited to prefixes).
    """
    with_paths = [cav for cav in caveats if cav.allowed_paths]
    if not with_paths:
        return []
    plain = {
        (entry.bucket, entry.encrypted_path): entry.unencrypted_path
        for entry in scope.encryption_access.store_entries
    }
    out = []
    for path in with_paths[-1].allowed_paths:
        found = plain.get((path.bucket, path.encrypted_path_prefix))
        if path.encrypted_path_prefix and found:
            try:
                out.append([path.bucket.decode("utf-8"), found.decode("utf-8")])
            except UnicodeDecodeError:
                continue
    return out


def _registered_name(parent: AccessKey) -> str:
    """A free name in the project: the parent's name, marked, numbered if taken."""
    base = parent.name[: NAME_MAX_LENGTH - len(REGISTERED_SUFFIX) - 4] + REGISTERED_SUFFIX
    taken = set(
        AccessKey.objects.not_revoked()
        .filter(project_id=parent.project_id, name__startswith=base)
        .values_list("name", flat=True)
    )
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base} {number}"
    return name


def register_grant(
    access_grant: str,
    public: bool = False,
    usage_tags: Iterable[str] = (),
    origin: Origin | None = None,
    now: datetime | None = None,
) -> RegisteredCredentials:
    """Register S3 credentials for a grant made from one of our keys, as edge's Put does.

    The grant's API key must be a live key of one of our projects with a valid
    signature chain (we hold its head and secret); its satellite must be ours.
    The credentials become a new row of that project's Access Keys list,
    linked to the key the grant was made from, and the audit event says they
    were registered through the API: one transaction.
    """
    now = now or timezone.now()
    origin = origin or Origin()
    tags = usage_tags_of(usage_tags)
    try:
        scope = grant_mod.parse_grant(access_grant)
        api_key = macaroon.parse(scope.api_key)
        caveats = [caveat_mod.decode(raw) for raw in api_key.caveats]
    except FormatError as exc:
        raise RegistrationError(f"access grant: {exc}") from None
    if scope.satellite_addr != settings.SATELLITE_ADDRESS:
        raise RegistrationError(
            f"access grant: disallowed satellite: {json.dumps(scope.satellite_addr)}"
        )
    _check_lifetime(caveats, now)

    with transaction.atomic():
        # Locked so that a deletion of the key and this registration cannot interleave.
        parent = (
            AccessKey.objects.select_for_update()
            .select_related("project")
            .filter(head=api_key.head, parent__isnull=True)
            .first()
        )
        if parent is None or not macaroon.verify(
            api_key,
            macaroon_secrets.decrypt_macaroon_secret(
                parent.head, parent.secret_encrypted, parent.secret_key_id
            ),
        ):
            # Unknown head and forged signature read alike: nothing to probe.
            raise RegistrationError("access grant: the API key was not issued by this console")
        if parent.revoked_at is not None:
            raise RegistrationError("access grant: the API key has been deleted")
        project = parent.project
        restrictions = _grant_restrictions(project, caveats)
        prefixes = _plain_prefixes(scope, caveats)
        key = AccessKey.objects.create(
            project=project,
            parent=parent,
            name=_registered_name(parent),
            description=(
                f"Registered through the auth service API from “{parent.name}”."
                + (
                    " Limited to object key prefixes within its buckets."
                    if restrictions["prefixed"] and not prefixes
                    else ""
                )
            ),
            type=AccessKey.Type.S3_CREDENTIALS,
            created_by=parent.created_by,
            created_at=now,
            user_agent=origin.user_agent[:USER_AGENT_MAX_LENGTH],
            full_access=restrictions["full_access"],
            all_buckets=restrictions["all_buckets"],
            not_before=restrictions["not_before"] or now,
            not_after=restrictions["not_after"],
            max_object_ttl=restrictions["max_object_ttl"],
            other_restrictions=restrictions["other_restrictions"],
            prefixes=prefixes,
            **{p.field: restrictions[p.field] for p in permissions.PERMISSIONS},
        )
        if not restrictions["all_buckets"]:
            key.buckets.set(restrictions["bucket_objects"])
        s3 = _register_s3_credentials(key, access_grant, now, public=public, usage_tags=tags)
        audit.write(
            AuditEvent.Action.ACCESS_CREATED,
            project=project,
            ip_address=origin.ip_address,
            user_agent=origin.user_agent,
            **restrictions_of(key),
            registered_through="auth service API (POST /v1/access)",
            registered_from=parent.name,
            public=public,
        )
    return RegisteredCredentials(
        access_key=key,
        s3_access_key=s3["access_key"],
        s3_secret_key=s3["secret_key"],
        s3_endpoint=settings.S3_ENDPOINT,
    )


def _check_lifetime(caveats: list[caveat_mod.Caveat], now: datetime) -> None:
    """Refuse a grant that expires within a minute (or already has), as edge does."""
    ends = [cav.not_after for cav in caveats if cav.not_after is not None]
    if ends and min(ends) < now + MIN_REGISTERED_LIFETIME:
        raise RegistrationError("access grant: expiration cannot be shorter than a minute")


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


def restrictions_of(key: AccessKey) -> dict:
    """What a key allows, for the audit log: never a secret."""
    return {
        "access": key.name,
        "type": key.type,
        "full_access": key.full_access,
        "permissions": key.permission_labels(),
        "object_lock": key.object_lock_labels(),
        "notification": key.notification_labels(),
        "buckets": sorted(b.name for b in key.buckets.all()) if not key.all_buckets else "all",
        "expires_at": key.not_after.isoformat() if key.not_after else None,
        **({"prefixes": key.prefix_labels()} if key.prefixes else {}),
        **({"max_object_ttl": key.max_object_ttl_text} if key.max_object_ttl else {}),
        **({"other_restrictions": key.other_restrictions} if key.other_restrictions else {}),
        **({"public_link": True} if key.share_url else {}),
    }


# --- share links (the Buckets page's "Share") ----------------------------------

SHARE_PERMISSIONS = frozenset({"read", "list"})
SHARE_NAME_PREFIX = "Share "


def share_link(access_key_id: str, bucket: str, prefix: str = "") -> str:
    """The linksharing URL of a bucket or folder: {LINKSHARING_URL}/s/{id}/{bucket}/{prefix}
    (storj/storj web/satellite ``useLinksharing``)."""
    base = settings.LINKSHARING_URL.rstrip("/")
    return f"{base}/s/{access_key_id}/{quote(bucket, safe='')}/{quote(prefix, safe='/')}"


def raw_link(share_url: str, object_key: str = "") -> str:
    """The direct download form of a share link for one object: /raw/ instead of /s/."""
    base = settings.LINKSHARING_URL.rstrip("/")
    rest = share_url[len(base) + len("/s/") :]
    return f"{base}/raw/{rest}{quote(object_key, safe='/')}"


def _shared_path(request: CreateAccessRequest) -> tuple[str, str]:
    if request.prefixes:
        return request.prefixes[0]
    return (request.buckets or ("",))[0], ""


def _share_name(project, bucket: str, prefix: str) -> str:
    base = f"{SHARE_NAME_PREFIX}{bucket}/{prefix}"[: NAME_MAX_LENGTH - 4]
    taken = set(
        AccessKey.objects.not_revoked()
        .filter(project=project, name__startswith=base)
        .values_list("name", flat=True)
    )
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base} {number}"
    return name


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


# --- renaming and describing --------------------------------------------------


def may_update(membership, key: AccessKey) -> bool:
    """Admins may rename and describe any key; Members only the keys they created."""
    return membership.is_admin or key.created_by_id == membership.user_id


def update_access(
    project,
    actor,
    key_id: int,
    name: str,
    description: str,
    origin: Origin | None = None,
) -> AccessKey:
    """Rename and describe a live key, with creation's rules, audited in the same transaction.

    Only the name and the description change: the restrictions are inside the
    key (its caveat) and cannot. Returns the key; unchanged fields are not audited.
    """
    origin = origin or Origin()
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        key = AccessKey.objects.select_for_update().filter(project=project, id=key_id).first()
        membership = Membership.objects.filter(project=project, user=actor).first()
        if key is None or membership is None:
            raise _refuse("__all__", "delete_not_member" if membership is None else "update_gone")
        if not may_update(membership, key):
            raise _refuse("__all__", "update_not_allowed")
        if key.revoked_at is not None:
            raise _refuse("__all__", "update_gone")
        cleaned = {}
        for field_name, check, args in (
            ("name", validate_name, (project, name, key)),
            ("description", validate_description, (description,)),
        ):
            try:
                cleaned[field_name] = check(*args)
            except AccessError as exc:
                errors.update(exc.errors)
        if errors:
            raise AccessError(errors)
        changes = {
            field_name: {"from": getattr(key, field_name), "to": value}
            for field_name, value in cleaned.items()
            if getattr(key, field_name) != value
        }
        if not changes:
            return key
        for field_name, change in changes.items():
            setattr(key, field_name, change["to"])
        try:
            with transaction.atomic():
                key.save(update_fields=list(changes))
        except IntegrityError as exc:
            # Another key took the name meanwhile: the unique index picks one.
            raise _refuse("name", "name_taken") from exc
        audit.write_from(
            origin,
            AuditEvent.Action.ACCESS_UPDATED,
            project=project,
            actor=actor,
            access=key.name,
            **changes,
        )
    return key


# --- deletion ----------------------------------------------------------------


def delete_accesses(
    project,
    actor,
    ids: Iterable[int],
    origin: Origin | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Revoke the accesses with these ids and audit it, all or nothing; returns their names.

    A Member may delete only the accesses they created, an Admin any. Revoking
    makes every grant and S3 credential made from the key stop working, and
    revokes the S3 credentials registered through the API from it (their
    names are returned too).
    """
    now = now or timezone.now()
    origin = origin or Origin()
    ids = {int(i) for i in ids}
    if not ids:
        raise _refuse("__all__", "delete_none")
    role = Membership.objects.filter(project=project, user=actor).values_list("role", flat=True)
    if not role:
        raise _refuse("__all__", "delete_not_member")

    with transaction.atomic():
        keys = _deletable_keys(project, actor, role[0], ids)
        # S3 credentials registered through the API from a key go with it: their
        # grant carries its macaroon, which the satellite no longer honours.
        registered = list(
            AccessKey.objects.not_revoked()
            .select_for_update()
            .filter(parent__in=keys)
            .exclude(id__in=ids)
            .order_by("name")
        )
        keys += registered
        AccessKey.objects.filter(id__in=[key.id for key in keys]).update(revoked_at=now)
        names = [key.name for key in keys]
        audit.write_from(
            origin, AuditEvent.Action.ACCESS_DELETED, project=project, actor=actor, accesses=names
        )
    return names


def _deletable_keys(project, actor, role: str, ids: set[int]) -> list[AccessKey]:
    """The keys, locked for the deletion, once every one of them may go."""
    keys = list(
        AccessKey.objects.not_revoked()
        .select_for_update()
        .filter(project=project, id__in=ids)
        .order_by("name")
    )
    if len(keys) != len(ids):
        raise _refuse("__all__", "delete_gone")
    if role != Membership.Role.ADMIN:
        others = [key.name for key in keys if key.created_by_id != actor.id]
        if others:
            raise _refuse("__all__", "delete_not_yours", others)
    return keys
