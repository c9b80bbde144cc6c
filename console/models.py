"""The shell's data: users, projects, memberships, buckets and the audit log."""

import os
import uuid

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from console import keyring
from console.bucket_names import validate_bucket_name
from console.key_lifetimes import POLICY_CHOICES


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with email and password."""

    username = None
    email = models.EmailField("email", unique=True)
    # Part of what every session of the account is signed with (see
    # _get_session_auth_hash): raising it ends the account's other sessions.
    session_generation = models.PositiveIntegerField(default=0)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email

    def _get_session_auth_hash(self, secret=None):
        # Django signs each session with an HMAC of the password hash, so a new
        # password ends the other sessions; the generation does the same without
        # one (two-factor turned on). At 0 the hash is Django's own, so sessions
        # made before this field existed stay valid.
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        value = self.password
        if self.session_generation:
            value = f"{self.password}:{self.session_generation}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()


def new_salt() -> bytes:
    return os.urandom(16)


class Project(models.Model):
    class PassphraseMode(models.TextChoices):
        MANAGED = "managed", "Automatic (Storj-managed)"
        USER = "user", "Self-Managed"

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=100, blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Mixed into every passphrase of the project (Storj serves it to clients).
    salt = models.BinaryField(max_length=16, default=new_salt, editable=False)
    passphrase_mode = models.CharField(
        max_length=10, choices=PassphraseMode.choices, default=PassphraseMode.USER
    )
    # Only for managed projects: the passphrase encrypted under a master key.
    managed_passphrase_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    managed_passphrase_key_id = models.CharField(max_length=64, blank=True, editable=False)
    path_encryption = models.BooleanField(default=True)
    # Members must sign in with two-factor authentication to open the project.
    require_two_factor = models.BooleanField(default=False)
    # The longest a new access key may last (a code of key_lifetimes.LIFETIMES);
    # "" is no limit. Checked when a key is created: existing keys keep theirs.
    max_key_lifetime = models.CharField(
        max_length=4, choices=POLICY_CHOICES, blank=True, default=""
    )
    # Mail each key's creator 7 days and 1 day before it expires (send_expiry_reminders).
    expiry_reminders = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # How many of the project's access keys are not deleted, so that the Access Keys
    # page says "of 1,234" without counting them. The database keeps it: triggers on
    # the keys' table (accesskeys migration 0015) see every insert, deletion and
    # revocation, whichever code or SQL made it. Python never writes it.
    access_key_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name", "created_at"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # A project loaded before a key was created must not write its stale count
        # back: an update writes every field but the count.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "access_key_count"
            ]
        super().save(*args, **kwargs)

    @property
    def is_managed(self) -> bool:
        return self.passphrase_mode == self.PassphraseMode.MANAGED

    def member_ids(self) -> set[int]:
        """The ids of the project's current members, in one query; a key's creator
        missing from it is a former member. A deactivated account counts as one."""
        return set(self.memberships.filter(user__is_active=True).values_list("user_id", flat=True))


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships")
    project = models.ForeignKey(Project, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="one_membership_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


class Bucket(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="buckets")
    name = models.CharField(max_length=63, validators=[validate_bucket_name])
    object_lock = models.BooleanField("Object lock", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"], name="bucket_name_unique_in_project"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """A one-time link, mailed to one email, that lets its reader join one project.

    The link is mailed to the address, so holding it shows that one reads that
    mailbox: the invited person either signs in as the email (an existing
    account) or, if the email has no account yet, sets its password. Only a
    mailed link may set a first password (links handed over by hand before
    invitations were mailed can only be accepted after signing in).
    """

    email = models.EmailField(max_length=254)
    project = models.ForeignKey(Project, models.CASCADE, related_name="invitations")
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    # Only the SHA-256 of the token is stored; the link itself is shown once.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # When the link was mailed to the email; None for links shown to the Admin.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email", "created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.project}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class AccountMail(models.Model):
    """One mail about an account sent to an address (password reset, sign-up), kept
    an hour or so: the database, not a process's memory, counts how many went to
    an address lately, for every app process alike."""

    email = models.CharField(max_length=254)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["email", "sent_at"], name="account_mail_email")]

    def __str__(self) -> str:
        return f"Account mail to {self.email} at {self.sent_at:%Y-%m-%d %H:%M}"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One append-only line of the audit log. Never holds a secret."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        ACCESS_CREATED = "access_created", "Access created"
        ACCESS_DELETED = "access_deleted", "Access deleted"
        ACCESS_UPDATED = "access_updated", "Access renamed or described"
        ACCESS_ROTATED = "access_rotated", "Access rotated"
        # Written before invitations needed consent; kept so old events still read.
        MEMBER_ADDED = "member_added", "Member added"
        MEMBER_INVITED = "member_invited", "Member invited"
        INVITATION_CANCELLED = "invitation_cancelled", "Invitation cancelled"
        MEMBER_JOINED = "member_joined", "Member joined"
        MEMBER_REMOVED = "member_removed", "Member removed"
        ROLE_CHANGED = "role_changed", "Role changed"
        BUCKET_CREATED = "bucket_created", "Bucket created"
        PROJECT_CREATED = "project_created", "Project created"
        PROJECT_UPDATED = "project_updated", "Project updated"
        PASSWORD_SET = "password_set", "Password set"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
        PASSWORD_RESET = "password_reset", "Password reset"
        SIGNED_UP = "signed_up", "Account created"
        TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-factor turned on"
        TWO_FACTOR_DISABLED = "two_factor_disabled", "Two-factor turned off"
        RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", "Recovery codes regenerated"
        TWO_FACTOR_REQUIREMENT_CHANGED = "two_factor_requirement", "Two-factor requirement changed"
        SIGN_IN_LOCKED_OUT = "sign_in_locked_out", "Sign-in locked out"
        API_TOKEN_CREATED = "api_token_created", "API token created"
        API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"

    project = models.ForeignKey(
        Project, models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    # Kept as text so the record still says who it was if the user goes away.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # The X-Request-Id of the request that wrote it (empty from a command), as in the logs.
    request_id = models.CharField(max_length=128, blank=True, default="", db_default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # The Audit page reads a project's events newest first, filtered by action or
        # by who, plus its members' sign-ins (no project): each has an index in that
        # order, so a page of a million events reads 25 index entries.
        indexes = [
            models.Index(fields=["project", "created_at", "id"], name="event_project"),
            models.Index(
                fields=["project", "action", "created_at", "id"], name="event_project_action"
            ),
            models.Index(
                fields=["project", "actor_email", "created_at", "id"], name="event_project_actor"
            ),
            models.Index(
                fields=["actor", "created_at", "id"],
                name="event_no_project_actor",
                condition=models.Q(project__isnull=True),
            ),
            models.Index(
                fields=["actor", "action", "created_at", "id"],
                name="event_no_project_action",
                condition=models.Q(project__isnull=True),
            ),
            models.Index(
                fields=["actor_email", "created_at", "id"],
                name="event_no_project_email",
                condition=models.Q(project__isnull=True, actor__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.actor_email or 'someone'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class EncryptedTOTPDevice(TimestampMixin, ThrottlingMixin, Device):
    """A user's authenticator app: django-otp's TOTPDevice with its shared secret
    encrypted under the master keys (bound to the user), decrypted only in memory
    to check a code or to show it on the setup page."""

    secret_encrypted = models.BinaryField()
    secret_key_id = models.CharField(max_length=64)
    # As django-otp's TOTPDevice: 6-digit codes every 30 seconds, one step of
    # tolerance, the app's clock drift learnt, and the step of the last code
    # accepted (a code is never accepted twice).
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta:
        verbose_name = "TOTP device"

    # django-otp's own code checking (throttling, drift, no replay) and otpauth URI;
    # they read the secret only through bin_key.
    verify_token = TOTPDevice.verify_token
    config_url = TOTPDevice.config_url
    get_throttle_factor = TOTPDevice.get_throttle_factor
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    def set_secret(self, secret: bytes) -> None:
        """Encrypt the secret onto the device (not saved here)."""
        self.secret_encrypted, self.secret_key_id = keyring.encrypt_totp_secret(
            self.user_id, secret
        )

    @property
    def bin_key(self) -> bytes:
        return keyring.decrypt_totp_secret(self.user_id, self.secret_encrypted, self.secret_key_id)
