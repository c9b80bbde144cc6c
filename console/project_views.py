"""Creating a project (the "Create New Project" dialog) and its settings page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from console import audit, key_lifetimes, keyring
from console.membership import load_project
from console.models import AuditEvent, Membership, Project
from console.project_forms import (
    ExpiryRemindersForm,
    KeyLifetimeForm,
    NewProjectForm,
    ProjectDetailsForm,
)
from console.two_factor_forms import RequireTwoFactorForm

NEW_PROJECT_TEMPLATE = "console/project_new.html"


def _focus_first_error(form) -> None:
    """Put the focus on the first field in error (Django already marks each one
    aria-invalid and points its aria-describedby at the error list)."""
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    invalid = [name for name in form.fields if name in form.errors]
    if invalid:
        form.fields[invalid[0]].widget.attrs["autofocus"] = True


def create_project(
    request, *, name: str, description: str, passphrase_mode: str, path_encryption: bool = True
) -> Project:
    """The project, its creator as Admin, its managed passphrase and the audit
    event: all or nothing."""
    with transaction.atomic():
        project = Project(
            name=name,
            description=description,
            passphrase_mode=passphrase_mode,
            path_encryption=path_encryption,
        )
        if project.is_managed:
            # Encrypted under the current master key and bound to the
            # project's public id; the plaintext never reaches the database.
            keyring.new_managed_passphrase(project)
        project.save()
        Membership.objects.create(user=request.user, project=project, role=Membership.Role.ADMIN)
        audit.record(
            request,
            AuditEvent.Action.PROJECT_CREATED,
            project=project,
            name=project.name,
            passphrase_mode=project.passphrase_mode,
            path_encryption=project.path_encryption,
        )
    return project


def new_project(request):
    """GET: the dialog (htmx) or a page (without JavaScript); POST: create."""
    form = NewProjectForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            project = create_project(request, **form.cleaned_data)
            messages.success(request, f"Project “{project.name}” created.")
            target = reverse("accesskeys:index", args=[project.public_id])
            if request.htmx:
                return HttpResponseClientRedirect(target)
            return redirect(target)
        _focus_first_error(form)

    ctx = {"form": form}
    if request.htmx:
        # A POST re-renders only the form inside the open dialog.
        part = "form" if request.method == "POST" else "dialog"
        return render(request, f"{NEW_PROJECT_TEMPLATE}#{part}", ctx)
    return render(request, NEW_PROJECT_TEMPLATE, ctx)


def project_settings(request, public_id):
    """Admins rename and describe the project; Members see the same read-only."""
    project = load_project(request, public_id)
    is_admin = request.membership.is_admin
    form = ProjectDetailsForm(initial={"name": project.name, "description": project.description})

    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied("Only project Admins can change the project's settings.")
        form = ProjectDetailsForm(request.POST)
        if form.is_valid():
            changes = {
                field: {"from": getattr(project, field), "to": value}
                for field, value in form.cleaned_data.items()
                if getattr(project, field) != value
            }
            if changes:
                with transaction.atomic():
                    for field, change in changes.items():
                        setattr(project, field, change["to"])
                    project.save(update_fields=list(changes))
                    audit.record(
                        request, AuditEvent.Action.PROJECT_UPDATED, project=project, **changes
                    )
                messages.success(request, "Project settings saved.")
            else:
                messages.info(request, "Nothing changed.")
            return redirect("project_settings", project.public_id)
        _focus_first_error(form)

    ctx = {
        "form": form,
        "is_admin": is_admin,
        "page": "settings",
        "two_factor_form": RequireTwoFactorForm(
            initial={"require_two_factor": project.require_two_factor}
        ),
        "key_lifetime_form": KeyLifetimeForm(
            initial={"max_key_lifetime": project.max_key_lifetime}
        ),
        "key_lifetime": key_lifetimes.maximum_of(project),
        "reminders_form": ExpiryRemindersForm(
            initial={"expiry_reminders": project.expiry_reminders}
        ),
    }
    return render(request, "console/project_settings.html", ctx)


@require_POST
def project_two_factor(request, public_id):
    """An Admin requires two-factor sign-in of the project's members, or stops."""
    project = load_project(request, public_id, admin=True)
    form = RequireTwoFactorForm(request.POST)
    form.is_valid()
    required = form.cleaned_data["require_two_factor"]
    if required == project.require_two_factor:
        messages.info(request, "Nothing changed.")
    elif required and not request.user.is_verified():
        # Otherwise the Admin would lock themselves out of the project at once.
        messages.error(
            request,
            "Turn on two-factor authentication for your own account (and sign in with it) "
            "before you require it of the project's members.",
        )
    else:
        with transaction.atomic():
            project.require_two_factor = required
            project.save(update_fields=["require_two_factor"])
            audit.record(
                request,
                AuditEvent.Action.TWO_FACTOR_REQUIREMENT_CHANGED,
                project=project,
                required=required,
            )
        if required:
            messages.success(request, "Members now need two-factor authentication.")
        else:
            messages.success(request, "Members no longer need two-factor authentication.")
    return redirect("project_settings", project.public_id)


@require_POST
def project_key_lifetime(request, public_id):
    """An Admin sets how long new access keys may last at most, or lifts the limit."""
    project = load_project(request, public_id, admin=True)
    form = KeyLifetimeForm(request.POST)
    if not form.is_valid():
        for error in form.errors["max_key_lifetime"]:
            messages.error(request, error)
        return redirect("project_settings", project.public_id)
    chosen = form.cleaned_data["max_key_lifetime"]
    if chosen == project.max_key_lifetime:
        messages.info(request, "Nothing changed.")
        return redirect("project_settings", project.public_id)
    labels = dict(key_lifetimes.POLICY_CHOICES)
    with transaction.atomic():
        change = {"from": labels[project.max_key_lifetime], "to": labels[chosen]}
        project.max_key_lifetime = chosen
        project.save(update_fields=["max_key_lifetime"])
        audit.record(
            request, AuditEvent.Action.PROJECT_UPDATED, project=project, maximum_key_lifetime=change
        )
    if chosen:
        messages.success(request, f"New access keys now last at most {labels[chosen]}.")
    else:
        messages.success(request, "New access keys may last any time, or never expire.")
    return redirect("project_settings", project.public_id)


@require_POST
def project_expiry_reminders(request, public_id):
    """An Admin turns the project's expiry reminders on or off."""
    project = load_project(request, public_id, admin=True)
    form = ExpiryRemindersForm(request.POST)
    form.is_valid()
    wanted = form.cleaned_data["expiry_reminders"]
    if wanted == project.expiry_reminders:
        messages.info(request, "Nothing changed.")
        return redirect("project_settings", project.public_id)
    with transaction.atomic():
        project.expiry_reminders = wanted
        project.save(update_fields=["expiry_reminders"])
        audit.record(
            request, AuditEvent.Action.PROJECT_UPDATED, project=project, expiry_reminders=wanted
        )
    if wanted:
        messages.success(request, "Key creators get an email before their keys expire.")
    else:
        messages.success(request, "No more expiry reminders for this project's keys.")
    return redirect("project_settings", project.public_id)
