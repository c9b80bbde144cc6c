"""Authenticator app secrets move from django-otp's TOTPDevice, which keeps them
in plain text, to EncryptedTOTPDevice, under the master keys; the plaintext rows
are deleted. Same user, settings, drift, last code step and throttling, so apps
set up before keep working."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from console import keyring

# Everything a device knows but its secret.
COPIED_FIELDS = [
    "user_id",
    "name",
    "confirmed",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
]


def encrypt_plaintext_secrets(apps, schema_editor):
    PlainDevice = apps.get_model("otp_totp", "TOTPDevice")
    EncryptedDevice = apps.get_model("console", "EncryptedTOTPDevice")
    for plain in PlainDevice.objects.order_by("pk"):
        encrypted = EncryptedDevice(**{f: getattr(plain, f) for f in COPIED_FIELDS})
        encrypted.secret_encrypted, encrypted.secret_key_id = keyring.encrypt_totp_secret(
            plain.user_id, bytes.fromhex(plain.key)
        )
        encrypted.save()
        # created_at is set on insert (auto_now_add): keep the original.
        EncryptedDevice.objects.filter(pk=encrypted.pk).update(created_at=plain.created_at)
        plain.delete()


def decrypt_to_plaintext(apps, schema_editor):
    """Back to django-otp's own table, so a rollback keeps everyone's two-factor."""
    PlainDevice = apps.get_model("otp_totp", "TOTPDevice")
    EncryptedDevice = apps.get_model("console", "EncryptedTOTPDevice")
    for encrypted in EncryptedDevice.objects.order_by("pk"):
        secret = keyring.decrypt_totp_secret(
            encrypted.user_id, encrypted.secret_encrypted, encrypted.secret_key_id
        )
        plain = PlainDevice(key=secret.hex(), **{f: getattr(encrypted, f) for f in COPIED_FIELDS})
        plain.save()
        PlainDevice.objects.filter(pk=plain.pk).update(created_at=encrypted.created_at)
        encrypted.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0003_project_require_two_factor"),
        ("otp_totp", "0003_add_timestamps"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EncryptedTOTPDevice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text="The date and time when this device was initially created in the system.",
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The most recent date and time this device was used.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(
                        default=0, help_text="Number of successive failed attempts."
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The human-readable name of this device.", max_length=64
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(default=True, help_text="Is this device ready for use?"),
                ),
                ("secret_encrypted", models.BinaryField()),
                ("secret_key_id", models.CharField(max_length=64)),
                ("step", models.PositiveSmallIntegerField(default=30)),
                ("t0", models.BigIntegerField(default=0)),
                ("digits", models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ("tolerance", models.PositiveSmallIntegerField(default=1)),
                ("drift", models.SmallIntegerField(default=0)),
                ("last_t", models.BigIntegerField(default=-1)),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "TOTP device",
            },
        ),
        migrations.RunPython(encrypt_plaintext_secrets, decrypt_to_plaintext),
    ]
