from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0012_i24_auditevent_request_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="access_key_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
