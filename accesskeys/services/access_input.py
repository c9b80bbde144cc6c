"""The one reading of "create an access": what the New Access dialog, `manage.py
create_access` and the REST API were given, as the service's `CreateAccessRequest`.

The three callers only translate their own syntax (form steps, comma-separated
options, JSON) into an `AccessInput`; the rules live here and in the service,
in one wording (`access.MESSAGES`), with errors named in one vocabulary:
name, description, type, full_access, permissions, object_lock, notification,
buckets, paths, max_object_ttl, expires, passphrase.

- Full Access or restrictions: `full_access` true together with any restriction
  is refused; left out, the access is Advanced when any restriction is given
  (a list, even empty, an object lifetime or an expiration) and Full Access
  otherwise.
- A list given empty is an empty choice, never "all": no permission and no
  bucket are refused as the dialog refuses them ("Choose at least one ...");
  no object lock and no notification permission are valid choices.
- The passphrase: the current one, a new one, or generated; a passphrase and
  a request to generate one together are refused.
- Permission names are spelled exactly as the permissions table spells them
  (`permissions.py`: read, write, list, delete; PutObjectRetention, ...), each
  in its own group's list.
- Expiration: a moment (UTC when it has no zone) or a day (its start, UTC),
  which must be in the future and within the project's key lifetime.
- Object-key prefixes as (bucket, prefix) pairs or "bucket/prefix" texts; the
  uploaded objects' lifetime as a duration or "12h" / "30d".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError

from accesskeys import permissions
from accesskeys.credential_types import BY_COMMAND_NAME, BY_VALUE
from accesskeys.services.access_create import CreateAccessRequest
from accesskeys.services.access_rules import CURRENT, EXPIRES, GENERATE, NEW, PATHS, refusal

# What makes an access Advanced when given, in the order errors name them.
RESTRICTIONS = (
    "permissions",
    "object_lock",
    "notification",
    "buckets",
    PATHS,
    "max_object_ttl",
    EXPIRES,
)
# Each list of permission names and the group of the permissions table it takes.
PERMISSION_GROUPS = {
    "permissions": permissions.BASIC,
    "object_lock": permissions.OBJECT_LOCK,
    "notification": permissions.NOTIFICATION,
}


@dataclass(frozen=True)
class AccessInput:
    """What a caller was given, before any rule: None means "not given"."""

    name: str
    # A type as the command and the API name it ("s3", "access-grant", "api-key");
    # the dialog's own values ("access_grant") are read too.
    type: str
    description: str = ""
    full_access: bool | None = None
    permissions: Sequence[str] | None = None
    object_lock: Sequence[str] | None = None
    notification: Sequence[str] | None = None
    buckets: Sequence[str] | None = None
    # (bucket, prefix) pairs, or "bucket/prefix" texts (the command's --prefix).
    paths: Sequence[tuple[str, str] | str] | None = None
    # A duration, or hours or days as text: "12h", "30d".
    max_object_ttl: timedelta | str | None = None
    expires: datetime | date | None = None
    passphrase: str | None = field(default=None, repr=False)
    generate_passphrase: bool = False
    # The dialog only: the passphrase typed is a new one (the audit log says so), or
    # the 12 words it generated and showed before creating.
    new_passphrase: bool = False
    generated_passphrase: str | None = field(default=None, repr=False)


def parse_create(given: AccessInput) -> CreateAccessRequest:
    """The request the input describes; a ValidationError names every field it refuses.

    The service (`access_create.create_access`) checks the rest once, against the
    project: name, description, permissions, buckets, expiration, passphrase.
    """
    errors: dict[str, list[ValidationError]] = {}
    given_restrictions = [name for name in RESTRICTIONS if _given(given, name) is not None]
    if given.full_access and given_restrictions:
        errors["full_access"] = [refusal("full_access_conflict")]
    full_access = not given_restrictions if given.full_access is None else given.full_access

    chosen: set[str] = set()
    for list_name, group in PERMISSION_GROUPS.items():
        names = getattr(given, list_name)
        if names is None:
            if list_name == "permissions":
                chosen |= permissions.DEFAULT
            continue
        known = set(permissions.names(group))
        unknown = [name for name in dict.fromkeys(names) if name not in known]
        if unknown:
            errors[list_name] = [refusal("permission_unknown", unknown)]
        chosen |= set(names)

    prefixes: list[tuple[str, str]] = []
    for path in given.paths or ():
        try:
            prefixes.append(parse_bucket_prefix(path) if isinstance(path, str) else tuple(path))
        except ValidationError as exc:
            errors.setdefault(PATHS, []).extend(exc.error_list)
    try:
        max_object_ttl = parse_object_ttl(given.max_object_ttl)
    except ValidationError as exc:
        errors["max_object_ttl"] = exc.error_list

    if given.passphrase is not None and given.generate_passphrase:
        errors["passphrase"] = [refusal("passphrase_conflict")]
    if errors:
        raise ValidationError(errors)

    if given.generate_passphrase:
        choice, phrase = GENERATE, given.generated_passphrase
    else:
        choice, phrase = (NEW if given.new_passphrase else CURRENT), given.passphrase
    credential_type = BY_COMMAND_NAME.get(given.type) or BY_VALUE.get(given.type)
    request = CreateAccessRequest(
        name=given.name,
        # An unknown type goes on, for the service to refuse with its message.
        type=credential_type.value if credential_type else given.type,
        description=given.description,
        full_access=full_access,
        passphrase_choice=choice,
        passphrase=phrase,
    )
    if full_access:
        return request
    return replace(
        request,
        permissions=frozenset(chosen),
        buckets=tuple(given.buckets) if given.buckets is not None else None,
        prefixes=tuple(prefixes),
        max_object_ttl=max_object_ttl,
        expires_at=expiration_moment(given.expires),
    )


def _given(given: AccessInput, name: str):
    return given.expires if name == EXPIRES else getattr(given, name)


def expiration_moment(value: datetime | date | None) -> datetime | None:
    """A day means its start (UTC), as the tables show it; a moment without a zone is UTC."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return datetime.combine(value, time.min, tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_object_ttl(text: timedelta | str | None) -> timedelta | None:
    """ "12h" or "30d" (create_access and the API), or a duration (the dialog); None for none."""
    if isinstance(text, timedelta):
        return text
    text = (text or "").strip().lower()
    if not text:
        return None
    number, unit = text[:-1].strip(), text[-1:]
    if unit not in ("h", "d") or not number.isdigit() or len(number) > 7:
        raise refusal("object_ttl_format")
    return timedelta(hours=int(number)) if unit == "h" else timedelta(days=int(number))


def parse_bucket_prefix(text: str) -> tuple[str, str]:
    """ "photos/2026/" → ("photos", "2026/"): the bucket is up to the first "/"."""
    bucket, slash, prefix = text.partition("/")
    if not bucket or not slash or not prefix:
        raise refusal("prefix_format", [text])
    return bucket, prefix
