"""Bucket notification permissions (caveat fields 14 and 15).

Keys issued before this migration never set the two disallow flags, so their
macaroons do allow both actions: record that, rather than the new default.
"""

from django.db import migrations, models


def existing_keys_allow_notifications(apps, schema_editor):
    AccessKey = apps.get_model("accesskeys", "AccessKey")
    AccessKey.objects.update(
        can_put_bucket_notification_configuration=True,
        can_get_bucket_notification_configuration=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accesskeys", "0006_trigram_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="accesskey",
            name="can_put_bucket_notification_configuration",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="accesskey",
            name="can_get_bucket_notification_configuration",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(existing_keys_allow_notifications, migrations.RunPython.noop),
    ]
