"""The event log in words: details as sentences, user agents as "Browser on OS"."""

import pytest

from console.event_text import browser_on_os, describe, value_text
from console.models import AuditEvent

Action = AuditEvent.Action

CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


@pytest.mark.parametrize(
    "action, details, text",
    [
        (
            Action.ROLE_CHANGED,
            {"member": "bob@example.com", "old_role": "member", "new_role": "admin"},
            "Changed bob@example.com from Member to Admin.",
        ),
        (
            Action.MEMBER_INVITED,
            {"member": "dana@example.com", "role": "member"},
            "Invited dana@example.com as Member.",
        ),
        (
            Action.MEMBER_REMOVED,
            {"member": "bob@example.com", "role": "admin"},
            "Removed bob@example.com (Admin).",
        ),
        (
            Action.MEMBER_JOINED,
            {"role": "member", "invited_by": "alice@example.com"},
            "Joined as Member, invited by alice@example.com.",
        ),
        (
            Action.PROJECT_CREATED,
            {"name": "Alpha", "passphrase_mode": "user", "path_encryption": True},
            "Project “Alpha”, passphrase Self-Managed, path encryption on.",
        ),
        (
            Action.PROJECT_UPDATED,
            {"description": {"from": "", "to": "Our files"}},
            "Description changed from nothing to “Our files”.",
        ),
        (
            Action.TWO_FACTOR_REQUIREMENT_CHANGED,
            {"required": False},
            "Members no longer need two-factor authentication.",
        ),
        (
            Action.BUCKET_CREATED,
            {"bucket": "backups", "object_lock": True},
            "Bucket “backups”, with Object Lock.",
        ),
        (
            Action.API_TOKEN_CREATED,
            {"token": "deploy", "expires_at": None},
            "Token “deploy”, no expiration.",
        ),
        (
            Action.SIGN_IN_FAILED,
            {"reason": "wrong two-factor code"},
            "Wrong two-factor code.",
        ),
        (
            Action.ACCESS_CREATED,
            {
                "access": "ci",
                "type": "api_key",
                "full_access": False,
                "permissions": ["Read", "List"],
                "object_lock": ["GetObjectRetention"],
                "notification": [],
                "buckets": ["photos", "logs"],
                "expires_at": "2026-12-01T10:00:00+00:00",
                "passphrase": None,
                "via": "api",
                "api_token": "deploy",
            },
            "“ci” (API Key). Can Read, List and GetObjectRetention in photos and logs. "
            "Expires Dec 1, 2026 10:00 UTC. Through the API with the token “deploy”.",
        ),
        (
            Action.ACCESS_CREATED,
            {
                "access": "root",
                "type": "access_grant",
                "full_access": True,
                "permissions": ["Read", "Write", "List", "Delete"],
                "object_lock": [],
                "notification": [],
                "buckets": "all",
                "expires_at": None,
                "passphrase": "generate",
            },
            "“root” (Access Grant). Full access to all buckets. No expiration. "
            "Encrypted with a generated 12-word passphrase.",
        ),
        (
            Action.ACCESS_DELETED,
            {"accesses": ["a", "b", "c"]},
            "“a”, “b” and “c”.",
        ),
        (Action.SIGN_OUT, {}, ""),
    ],
)
def test_it_writes_details_as_sentences(action, details, text):
    assert describe(action, details) == text


def test_it_never_prints_python_values():
    # Details an action's sentences do not know (added later): still in words.
    text = describe(
        Action.SIGN_IN,
        {"remembered": True, "device": None, "scopes": ["read", "write"], "old": False},
    )
    assert text == "Remembered: yes. Device: none. Scopes: read and write. Old: no."
    for python in ("True", "False", "None", "[", "{", "'"):
        assert python not in text


def test_it_writes_times_as_the_page_does():
    assert value_text("2026-03-04T05:06:07+00:00") == "Mar 4, 2026 05:06 UTC"
    assert value_text("2026-03-04T07:06:07+02:00") == "Mar 4, 2026 05:06 UTC"


@pytest.mark.parametrize(
    "user_agent, short",
    [
        (CHROME_MAC, "Chrome 120 on macOS"),
        (FIREFOX_WINDOWS, "Firefox 121 on Windows"),
        (SAFARI_IPHONE, "Mobile Safari 17 on iOS"),
        ("aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 exe/x86_64.debian.12", "aws-cli 2 on Debian"),
        ("curl/8.5.0", "curl 8"),
        ("deploy-bot/3 (internal)", "deploy-bot 3"),
        ("an internal tool", "an internal tool"),
        (
            "an internal tool that tells far more about itself than this",
            "an internal tool that tells far more ab…",
        ),
        ("", ""),
    ],
)
def test_it_shortens_user_agents_to_browser_on_os(user_agent, short):
    assert browser_on_os(user_agent) == short
