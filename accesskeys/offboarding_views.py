"""Removing a member, or leaving a project: first, what becomes of the person's keys.

The Team page's Remove (Admins) and Leave (anyone, on their own row) open this
step: the person's live keys in the project (name, type, last used) and the
choice to delete them all, keep them, or choose which. Then
services.offboarding removes the member and deletes the chosen keys in one
transaction. A dialog with htmx; a page of its own without JavaScript.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accesskeys.services import access, offboarding
from console.audit import origin_of
from console.membership import MembershipChanged, load_project

KEY_CHOICES = [
    (offboarding.DELETE_ALL, "Delete them all now"),
    (offboarding.KEEP, "Keep them"),
    (offboarding.CHOOSE, "Choose which to delete"),
]


class OffboardingForm(forms.Form):
    keys = forms.ChoiceField(
        choices=KEY_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what becomes of the access keys."},
    )
    ids = forms.MultipleChoiceField(
        required=False, error_messages={"invalid_choice": offboarding.STALE_KEYS}
    )

    def __init__(self, *args, keys, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = keys
        self.fields["ids"].choices = [(str(key.id), key.name) for key in keys]
        if not keys:
            # Nothing to decide about.
            self.fields["keys"].required = False

    def clean(self):
        data = super().clean()
        if data.get("keys") == offboarding.CHOOSE and not data.get("ids"):
            self.add_error("ids", "Select the access keys to delete, or choose another option.")
        return data

    def delete_ids(self) -> list[int]:
        choice = self.cleaned_data.get("keys")
        if choice == offboarding.DELETE_ALL:
            return [key.id for key in self.keys]
        if choice == offboarding.CHOOSE:
            return [int(i) for i in self.cleaned_data["ids"]]
        return []


@require_http_methods(["GET", "POST"])
def remove_member(request, public_id, membership_id):
    project = load_project(request, public_id)
    target = get_object_or_404(project.memberships.select_related("user"), id=membership_id)
    leaving = target.user_id == request.user.id
    if not (request.membership.is_admin or leaving):
        raise PermissionDenied("Only project Admins can do this.")
    keys = list(offboarding.live_keys_of(project, target.user))
    form = OffboardingForm(request.POST if request.method == "POST" else None, keys=keys)

    if request.method == "POST" and form.is_valid():
        try:
            removal = offboarding.remove_member(
                project, request.user, target.id, form.delete_ids(), origin_of(request)
            )
        except MembershipChanged as refused:
            messages.error(request, refused.message)
            if refused.leave_project:
                return redirect("home")
            return redirect("team", project.public_id)
        except access.AccessError as e:
            # Their keys changed meanwhile: show the list as it is now.
            keys = list(offboarding.live_keys_of(project, target.user))
            form = OffboardingForm(keys=keys)
            form.add_error(None, [m for ms in e.errors.values() for m in ms])
        else:
            messages.success(request, _removed_message(project, removal))
            if removal.left:
                return redirect("home")
            return redirect("team", project.public_id)

    context = {
        "page": "team",
        "target": target,
        "leaving": leaving,
        "keys": keys,
        "form": form,
        "checked_ids": set(form["ids"].value() or ()),
    }
    template = "accesskeys/offboarding.html" + ("#dialog" if request.htmx else "")
    status = 400 if form.is_bound and not request.htmx else 200
    return render(request, template, context, status=status)


def _removed_message(project, removal) -> str:
    who = "You left" if removal.left else f"{removal.email} was removed from"
    text = f"{who} {project.name}."
    if removal.deleted:
        count = len(removal.deleted)
        text += f" Deleted {count} access key{'s' if count != 1 else ''}."
    if removal.kept:
        owner = "Your" if removal.left else "Their"
        text += (
            f" {owner} {removal.kept} other access key{'s' if removal.kept != 1 else ''} "
            "keep working, listed as a former member's."
        )
    return text
