"""Personal API tokens: a user's bearer token for scripts, bound to one project.

Only the SHA-256 of a token is stored. Tokens are 256 random bits, so a
plain hash is enough (no salt, no slow hash): nobody can guess one, and the
hash lets a request find its token with one indexed lookup.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from console.models import Project


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Tokens that are neither revoked nor expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    project = models.ForeignKey(Project, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # Hex SHA-256 of the whole token; the token itself is shown once and never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    # The token's last four characters, so that a user can tell their tokens apart.
    last_four = models.CharField(max_length=4)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"API token {self.name} of {self.user}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
