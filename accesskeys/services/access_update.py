"""Renaming and describing an access key, by creation's rules, audited."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from accesskeys.models import AccessKey
from accesskeys.services.access_rules import (
    may_change,
    membership_of,
    refuse,
    validate_description,
    validate_name,
)
from console import audit
from console.audit import Origin
from console.models import AuditEvent


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
    errors: dict[str, list[ValidationError]] = {}
    membership = membership_of(project, actor)
    with transaction.atomic():
        key = AccessKey.objects.select_for_update().filter(project=project, id=key_id).first()
        if key is None:
            raise refuse(NON_FIELD_ERRORS, "update_gone")
        if not may_change(membership, key):
            raise refuse(NON_FIELD_ERRORS, "update_not_allowed")
        if key.revoked_at is not None:
            raise refuse(NON_FIELD_ERRORS, "update_gone")
        cleaned = {}
        for field_name, check, args in (
            ("name", validate_name, (project, name, key)),
            ("description", validate_description, (description,)),
        ):
            try:
                cleaned[field_name] = check(*args)
            except ValidationError as exc:
                errors[field_name] = exc.error_list
        if errors:
            raise ValidationError(errors)
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
            raise refuse("name", "name_taken") from exc
        audit.write_from(
            origin,
            AuditEvent.Action.ACCESS_UPDATED,
            project=project,
            actor=actor,
            access=key.name,
            **changes,
        )
    return key
