"""Rows made directly: people, access keys of a given shape, API tokens; and
clients that act as a person or a token."""

import os

from django.test import Client
from django.utils import timezone

from accesskeys import permissions
from accesskeys.models import AccessKey
from console.models import User

PASSWORD = "correct-horse-battery"


def make_user(email: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD)


def make_access_key(project, user, name, **fields) -> AccessKey:
    """A bare key row, for tests that need many keys or one of a given shape."""
    values = {
        "type": AccessKey.Type.S3_CREDENTIALS,
        "head": os.urandom(32),
        "secret_encrypted": b"x",
        "secret_key_id": "test",
        "not_before": timezone.now(),
        **fields,
    }
    return AccessKey.objects.create(project=project, created_by=user, name=name, **values)


def make_key(project, created_by, name="key", buckets=(), **fields) -> AccessKey:
    """A key row; `buckets` limits it to those, `full_access` sets what the service sets."""
    if fields.get("full_access"):
        # As create_access stores Full Access.
        for permission in permissions.PERMISSIONS:
            fields.setdefault(permission.field, permission.in_full_access)
    if buckets:
        fields["all_buckets"] = False
    key = make_access_key(project, created_by, name, **fields)
    if buckets:
        key.buckets.set(project.buckets.filter(name__in=buckets))
    return key


def api_token_for(user, project) -> str:
    from api import tokens

    _, plaintext = tokens.issue(user, project, f"{user.email} test token", None)
    return plaintext


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
