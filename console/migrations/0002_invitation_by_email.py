"""Invitations name an email and a role instead of an account made in advance.

Before, adding an email made a member at once (and an account without a
password for a new email). Now nobody joins a project without the link. A
member whose account never had a password could not sign in, so such a
membership becomes what it really was: a pending invitation if its link is
still unused (same token, same role), or nothing.
"""

from django.db import migrations, models

UNUSABLE_PASSWORD_PREFIX = "!"  # django.contrib.auth.hashers


def forwards(apps, schema_editor):
    Invitation = apps.get_model("console", "Invitation")
    Membership = apps.get_model("console", "Membership")
    for invitation in Invitation.objects.select_related("user"):
        membership = Membership.objects.filter(
            user_id=invitation.user_id, project_id=invitation.project_id
        ).first()
        invitation.email = invitation.user.email
        if membership is not None:
            invitation.role = membership.role
        invitation.save(update_fields=["email", "role"])
    Membership.objects.filter(
        user__password__startswith=UNUSABLE_PASSWORD_PREFIX, user__last_login__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("console", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="email",
            field=models.EmailField(max_length=254, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="role",
            field=models.CharField(
                choices=[("admin", "Admin"), ("member", "Member")], default="member", max_length=10
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="invitation", name="user"),
        migrations.AlterField(
            model_name="invitation",
            name="email",
            field=models.EmailField(max_length=254),
        ),
        migrations.AlterModelOptions(
            name="invitation",
            options={"ordering": ["email", "created_at"]},
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("sign_in", "Signed in"),
                    ("sign_in_failed", "Sign-in failed"),
                    ("sign_out", "Signed out"),
                    ("access_created", "Access created"),
                    ("access_deleted", "Access deleted"),
                    ("member_added", "Member added"),
                    ("member_invited", "Member invited"),
                    ("invitation_cancelled", "Invitation cancelled"),
                    ("member_joined", "Member joined"),
                    ("member_removed", "Member removed"),
                    ("role_changed", "Role changed"),
                    ("bucket_created", "Bucket created"),
                    ("project_created", "Project created"),
                    ("project_updated", "Project updated"),
                    ("password_set", "Password set"),
                    ("sign_in_locked_out", "Sign-in locked out"),
                ],
                max_length=32,
            ),
        ),
    ]
