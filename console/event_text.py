"""How the event log reads to a person: each event's details as sentences, and
each user agent as a short "Browser on OS".

An action's sentences come from the function registered for it with `@sentences`;
apps register their own actions (accesses: `accesskeys.access_event_text`). A function
takes the details it describes out of the dict it is given; whatever it leaves,
including details added after it was written, is still shown as "Name: value".
"""

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from django.utils import timezone
from django.utils.dateformat import format as format_date
from ua_parser import parse_os, parse_user_agent

from console.models import AuditEvent, Membership, Project

Describer = Callable[[dict], list[str]]
DESCRIBERS: dict[str, Describer] = {}


def sentences(*actions: str) -> Callable[[Describer], Describer]:
    """Register the function that writes these actions' details as sentences."""

    def register(describer: Describer) -> Describer:
        for action in actions:
            DESCRIBERS[action] = describer
        return describer

    return register


def describe(action: str, details: dict) -> str:
    """The details of one event as sentences, or "" when it has none."""
    rest = dict(details)
    via = _origin_sentence(rest)
    describer = DESCRIBERS.get(action)
    parts = describer(rest) if describer else []
    parts += [f"{label(name)}: {value_text(value)}." for name, value in rest.items()]
    if via:
        parts.append(via)
    return " ".join(parts)


# --- values ----------------------------------------------------------------------


def label(name: str) -> str:
    """'old_role' -> 'Old role'."""
    return name.replace("_", " ").capitalize()


def quoted(name) -> str:
    return f"“{name}”"


def and_list(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def moment(value: str | None) -> str:
    """An ISO 8601 time from the details, as the page shows times: 'Nov 27, 2026 14:05 UTC'."""
    if not value:
        return "never"
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    if timezone.is_aware(when):
        when = when.astimezone(UTC)
    return f"{format_date(when, 'M j, Y H:i')} UTC"


def role_label(value) -> str:
    return dict(Membership.Role.choices).get(value, str(value))


def value_text(value) -> str:
    """Any detail's value in words: never Python's True, None or brackets."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, list | tuple):
        return and_list(value_text(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"from", "to"}:
            return f"from {quoted_or_none(value['from'])} to {quoted_or_none(value['to'])}"
        return "; ".join(f"{label(k)}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return moment(value)
    return str(value)


def quoted_or_none(value) -> str:
    return quoted(value) if value not in (None, "") else "nothing"


# --- where a change came from ----------------------------------------------------


def _origin_sentence(rest: dict) -> str:
    if rest.get("via") != "api":
        return ""
    rest.pop("via")
    token = rest.pop("api_token", None)
    return f"Through the API with the token {quoted(token)}." if token else "Through the API."


# --- the console's actions -------------------------------------------------------

Action = AuditEvent.Action


@sentences(Action.SIGN_IN)
def _sign_in(rest: dict) -> list[str]:
    method = rest.pop("two_factor", None)
    return [f"With two-factor authentication ({method})."] if method else []


@sentences(Action.SIGN_IN_FAILED)
def _sign_in_failed(rest: dict) -> list[str]:
    reason = rest.pop("reason", None)
    return [f"{reason[:1].upper()}{reason[1:]}."] if reason else []


@sentences(Action.MEMBER_INVITED)
def _member_invited(rest: dict) -> list[str]:
    member, role = rest.pop("member", "someone"), role_label(rest.pop("role", ""))
    return [f"Invited {member} as {role}."]


@sentences(Action.MEMBER_ADDED)
def _member_added(rest: dict) -> list[str]:
    member, role = rest.pop("member", "someone"), role_label(rest.pop("role", ""))
    return [f"Added {member} as {role}."]


@sentences(Action.INVITATION_CANCELLED)
def _invitation_cancelled(rest: dict) -> list[str]:
    member, role = rest.pop("member", "someone"), role_label(rest.pop("role", ""))
    return [f"The invitation of {member} as {role} no longer works."]


@sentences(Action.MEMBER_JOINED)
def _member_joined(rest: dict) -> list[str]:
    role = role_label(rest.pop("role", ""))
    invited_by = rest.pop("invited_by", "")
    return [f"Joined as {role}" + (f", invited by {invited_by}." if invited_by else ".")]


@sentences(Action.MEMBER_REMOVED)
def _member_removed(rest: dict) -> list[str]:
    member, role = rest.pop("member", "someone"), role_label(rest.pop("role", ""))
    return [f"Removed {member} ({role})."]


@sentences(Action.ROLE_CHANGED)
def _role_changed(rest: dict) -> list[str]:
    member = rest.pop("member", "someone")
    old, new = role_label(rest.pop("old_role", "")), role_label(rest.pop("new_role", ""))
    return [f"Changed {member} from {old} to {new}."]


@sentences(Action.BUCKET_CREATED)
def _bucket_created(rest: dict) -> list[str]:
    bucket = quoted(rest.pop("bucket", ""))
    lock = "with" if rest.pop("object_lock", False) else "without"
    return [f"Bucket {bucket}, {lock} Object Lock."]


@sentences(Action.PROJECT_CREATED)
def _project_created(rest: dict) -> list[str]:
    name = quoted(rest.pop("name", ""))
    mode = dict(Project.PassphraseMode.choices).get(rest.pop("passphrase_mode", None))
    path_encryption = rest.pop("path_encryption", None)
    text = [f"Project {name}"]
    if mode:
        text.append(f"passphrase {mode}")
    if path_encryption is not None:
        text.append(f"path encryption {'on' if path_encryption else 'off'}")
    return [", ".join(text) + "."]


@sentences(Action.PROJECT_UPDATED)
def _project_updated(rest: dict) -> list[str]:
    changes = [(name, rest.pop(name)) for name in list(rest) if _is_change(rest[name])]
    return [f"{label(name)} changed {value_text(change)}." for name, change in changes]


def _is_change(value) -> bool:
    return isinstance(value, dict) and set(value) == {"from", "to"}


@sentences(Action.TWO_FACTOR_REQUIREMENT_CHANGED)
def _two_factor_requirement(rest: dict) -> list[str]:
    if rest.pop("required", False):
        return ["Members now need two-factor authentication."]
    return ["Members no longer need two-factor authentication."]


@sentences(Action.API_TOKEN_CREATED)
def _api_token_created(rest: dict) -> list[str]:
    token = quoted(rest.pop("token", ""))
    expires_at = rest.pop("expires_at", None)
    expiry = f"expires {moment(expires_at)}" if expires_at else "no expiration"
    return [f"Token {token}, {expiry}."]


@sentences(Action.API_TOKEN_REVOKED)
def _api_token_revoked(rest: dict) -> list[str]:
    return [f"Token {quoted(rest.pop('token', ''))}."]


# --- user agents -----------------------------------------------------------------

OS_NAMES = {"Mac OS X": "macOS"}
SHORT = 40


@lru_cache(maxsize=1024)
def browser_on_os(user_agent: str) -> str:
    """'Mozilla/5.0 (Windows NT 10.0; …) … Firefox/121.0' -> 'Firefox 121 on Windows';
    a client that names no OS ('rclone/v1.60.1') -> 'rclone 1'; "" for none."""
    user_agent = user_agent.strip()
    if not user_agent:
        return ""
    client = parse_user_agent(user_agent)
    system = parse_os(user_agent)
    if client is None or client.family == "Other":
        # Not a client ua-parser knows: its first characters (the page has the rest).
        return user_agent if len(user_agent) <= SHORT else user_agent[: SHORT - 1] + "…"
    name = f"{client.family} {client.major}" if client.major else client.family
    if system is None or system.family == "Other":
        return name
    return f"{name} on {OS_NAMES.get(system.family, system.family)}"
