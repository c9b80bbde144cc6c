"""The event log's sentences for accesses (see console.event_text)."""

from accesskeys.credential_types import BY_VALUE
from console.event_text import and_list, moment, quoted, sentences, value_text
from console.models import AuditEvent

PASSPHRASES = {
    "current": "Encrypted with the project's current passphrase.",
    "new": "Encrypted with a new passphrase.",
    "generate": "Encrypted with a generated 12-word passphrase.",
}


@sentences(AuditEvent.Action.ACCESS_CREATED)
def _access_created(rest: dict) -> list[str]:
    name = quoted(rest.pop("access", ""))
    kind = BY_VALUE.get(rest.pop("type", None))
    text = [f"{name} ({kind.label})." if kind else f"{name}."]

    full_access = rest.pop("full_access", False)
    allowed = [rest.pop(group, None) or [] for group in ("permissions", "object_lock")]
    notification = rest.pop("notification", None) or []
    buckets = rest.pop("buckets", "all")
    where = "all buckets" if buckets == "all" else and_list(buckets) or "no bucket"
    if full_access:
        text.append(f"Full access to {where}.")
    else:
        can = [*allowed[0], *allowed[1], *notification]
        text.append(f"Can {and_list(can)} in {where}." if can else f"No permission in {where}.")

    prefixes = rest.pop("prefixes", None)
    if prefixes:
        text.append(f"Only objects under {and_list(prefixes)}.")
    if rest.get("max_object_ttl"):
        text.append(f"{rest.pop('max_object_ttl')}.")
    for note in rest.pop("other_restrictions", None) or []:
        text.append(f"{note}.")
    if rest.pop("public_link", False):
        text.append("Shared as a public link (read and list).")

    if "expires_at" in rest:
        expires_at = rest.pop("expires_at")
        text.append(f"Expires {moment(expires_at)}." if expires_at else "No expiration.")
    passphrase = PASSPHRASES.get(rest.pop("passphrase", None))
    if passphrase:
        text.append(passphrase)

    through = rest.pop("registered_through", None)
    parent = rest.pop("registered_from", None)
    if through:
        origin = f" from {quoted(parent)}" if parent else ""
        text.append(f"Registered through the {through}{origin}.")
    if "public" in rest:
        text.append("Public (shareable links)." if rest.pop("public") else "Not public.")
    return text


@sentences(AuditEvent.Action.ACCESS_UPDATED)
def _access_updated(rest: dict) -> list[str]:
    name = rest.pop("access", "")
    renamed = rest.pop("name", None)
    described = rest.pop("description", None)
    text = [
        f"Renamed {quoted(renamed['from'])} to {quoted(renamed['to'])}."
        if renamed
        else f"{quoted(name)}."
    ]
    if described:
        text.append(f"Description changed {value_text(described)}.")
    return text


@sentences(AuditEvent.Action.ACCESS_DELETED)
def _access_deleted(rest: dict) -> list[str]:
    names = rest.pop("accesses", [])
    return [f"{and_list(quoted(n) for n in names)}."] if names else []


@sentences(AuditEvent.Action.ACCESS_ROTATED)
def _access_rotated(rest: dict) -> list[str]:
    replaced = quoted(rest.pop("replaced", ""))
    until = rest.pop("replaced_until", None)
    rest.pop("overlap", None)
    text = _access_created(rest)
    works = f", which works until {moment(until)}" if until else ""
    text.insert(1, f"Replaces the key now named {replaced}{works}.")
    return text
