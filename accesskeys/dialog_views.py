"""The New Access dialog, rendered step by step by the server through htmx.

Nothing about the dialog lives on the server between requests: each POST
carries the choices so far as hidden fields. Passphrases are never carried
back: the browser keeps them (new_access.js) and sends the one chosen with the
request that creates the access.

Without JavaScript (a request that is not htmx) every step is a page of its
own, with the same forms, rules and result; the passphrase then travels sealed
(`sealed_passphrase`).
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, QueryDict
from django.shortcuts import render
from django.utils import dateformat, timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_htmx.http import trigger_client_event

from accesskeys import forms as f
from accesskeys import permissions, sealed_passphrase
from accesskeys.credential_types import BY_VALUE as CREDENTIAL_TYPES
from accesskeys.credential_types import PASSPHRASE_DOWNLOAD_LABEL
from accesskeys.detail_views import path_encryption_for
from accesskeys.models import duration_text
from accesskeys.services import access_create, access_rules, download
from console import key_lifetimes
from console.audit import origin_of
from console.forms import BUCKETS_ADMIN_ONLY, BucketForm
from console.membership import load_project, may_create_buckets
from storjformat import passphrase


def steps_for(project, data) -> list[str]:
    """The steps this access goes through, given the choices so far."""
    steps = ["name", "access"]
    if access_rules.needs_passphrase(project, data.get("type")):
        steps.append("encryption")
    if data.get("access") == "advanced":
        steps += ["permissions", "object_lock", "notification", "buckets", "expiration"]
    # Full Access too: one look at what it grants before the key exists.
    return [*steps, "confirm"]


# The choices each step decides; until they are made, the count says "up to".
UNDECIDED_AT = {"name": ("type", "access"), "access": ("access",)}
CHOICE_FORMS = {"type": "name", "access": "access"}


def step_total(project, data, step: str) -> tuple[int, bool]:
    """How many steps this access has, as far as the choices made before `step` tell:
    the most it can still have, and whether that is exact. The bar is drawn against
    it, so it never goes back as the user goes on, whatever they choose."""
    options = {"type": [data.get("type")], "access": [data.get("access")]}
    for field in UNDECIDED_AT.get(step, ()):
        choices = f.STEP_FORMS[CHOICE_FORMS[field]].base_fields[field].choices
        options[field] = [value for value, _ in choices]
    totals = {
        len(steps_for(project, {"type": type_, "access": access_}))
        for type_ in options["type"]
        for access_ in options["access"]
    }
    return max(totals), len(totals) == 1


def initial_from(form_class, data, seen: set[str]) -> dict:
    """What a step shows when it is entered: the carried choices once it has been seen."""
    if form_class.step not in seen:
        return {}
    initial = {}
    for name in form_class.base_fields:
        if name in f.SECRET_FIELDS:
            continue
        initial[name] = data.getlist(name) if name in f.MULTI_FIELDS else data.get(name)
    return initial


def carried(data, step: str) -> list[tuple[str, str]]:
    """Hidden (name, value) pairs for every non-secret choice outside this step."""
    own = set(f.STEP_FORMS[step].base_fields)
    pairs = []
    for form_class in f.STEP_FORMS.values():
        for name in form_class.base_fields:
            if name in own or name in f.SECRET_FIELDS:
                continue
            pairs += [(name, value) for value in data.getlist(name)]
    # The sealed passphrase of a flow without JavaScript goes on until the
    # Encryption step is shown again: a passphrase chosen there replaces it.
    if step != "encryption" and data.get(sealed_passphrase.FIELD):
        pairs.append((sealed_passphrase.FIELD, data[sealed_passphrase.FIELD]))
    return pairs


def step_context(project, step: str, data, seen: set[str], form=None) -> dict:
    """What step.html needs to show `step`, given the choices carried so far."""
    form_class = f.STEP_FORMS[step]
    if form is None:
        form = form_class(initial=initial_from(form_class, data, seen), project=project)
        if step == "encryption":
            # A fresh phrase each time the step is entered; the browser puts back
            # the one it already showed if the user returns here.
            form.initial["generated_passphrase"] = passphrase.generate_mnemonic()
    choices = {name: data.get(name) for name in ("name", "type", "access")}
    if step == "name" and form.is_bound:
        choices.update(type=form["type"].value())
    steps = steps_for(project, data)
    if step not in steps:
        steps.append(step)
    position = steps.index(step)
    is_last = position == len(steps) - 1
    step_count, count_is_exact = step_total(project, data, step)
    context = {
        "project": project,
        "form": form,
        "step": step,
        "step_title": f.STEP_TITLES[step],
        "step_number": position + 1,
        "step_count": step_count,
        "step_count_text": f"{'' if count_is_exact else 'up to '}{step_count}",
        "has_back": position > 0,
        "is_last": is_last,
        "sends_passphrase": step == "confirm" and "encryption" in steps,
        "carried": carried(data, step),
        "seen": sorted(seen),
        "choices": choices,
    }
    if step == "encryption":
        context["short_passphrase"] = f.SHORT_PASSPHRASE
        name = data.get("name", "")
        context["passphrase_filename"] = download.download_filename(
            settings.BRAND_NAME, PASSPHRASE_DOWNLOAD_LABEL, name, timezone.now()
        )
    if step == "name":
        context["type_notes"] = [
            {"value": t.value, "lead": t.note_lead, "text": t.note_for(project.is_managed)}
            for t in CREDENTIAL_TYPES.values()
            if t.note
        ]
    if step == "access":
        context["full_access_granted"] = permissions.full_access_granted()
    if step == "confirm":
        context["summary"] = summary(project, data, timezone.now())
    return context


# The Buckets step's own "New bucket" fields, apart from the access's "name".
NEW_BUCKET_PREFIX = "new_bucket"


def render_step(request, project, step: str, data, seen: set[str], form=None, status=200, **extra):
    context = step_context(project, step, data, seen, form)
    if step == "buckets":
        # Only Admins create buckets, here as on the Buckets page.
        context["can_create_buckets"] = may_create_buckets(request.membership)
        context["bucket_form"] = BucketForm(project, prefix=NEW_BUCKET_PREFIX)
    context.update(extra)
    if not request.htmx:
        return render_page(request, "accesskeys/dialog/step.html", context, status=status)
    return render(request, "accesskeys/dialog/step.html", context, status=status)


def render_page(request, content_template: str, context: dict, status=200):
    """A step or the result as a page of its own, for a browser without JavaScript."""
    context = {**context, "as_page": True, "content_template": content_template}
    context.setdefault("page", "accesskeys")
    return render(request, "accesskeys/new_access_page.html", context, status=status)


PASSPHRASE_CHOICES = {
    access_rules.CURRENT: "The current passphrase",
    access_rules.NEW: "A new passphrase you entered",
    access_rules.GENERATE: "A generated 12-word passphrase",
}


def expiration_text(project, data, now: datetime) -> str:
    """The date the access stops working, as the table's "Expires" column shows it."""
    form = f.ExpirationForm(data, project=project)
    if not form.is_valid():
        return ""
    moment = form.expires_at(now)
    if moment is None:
        return "No expiration"
    when = dateformat.format(moment, "M j, Y")
    choice = form.cleaned_data["expiration"]
    if choice == "custom":
        return when
    return f"{when} ({dict(f.EXPIRATION_CHOICES)[choice]} from now)"


def encryption_text(project, data) -> str:
    """How the data this access reaches is encrypted: passphrase, then the gateway's part."""
    credential_type = CREDENTIAL_TYPES.get(data.get("type"))
    if credential_type is None or not credential_type.encrypts:
        return "None in the key: the tool that uses it asks for a passphrase"
    if project.is_managed:
        text = "The project's passphrase, kept by the server (Automatic)"
    else:
        form = f.EncryptionForm(data)
        form.is_valid()
        text = PASSPHRASE_CHOICES[form.passphrase_choice()]
    if credential_type.registers_s3:
        text += "; server-side encryption by the gateway"
    return text


def full_access_rows(project, now: datetime) -> list[tuple[str, str]]:
    """What a Full Access key allows, from the permissions table and the expiry policy."""
    rows = [("Access", "Full Access")]
    rows += [
        (noun.capitalize(), ", ".join(labels)) for noun, labels in permissions.full_access_granted()
    ]
    rows.append(("Buckets", "All Buckets, including buckets created later"))
    latest = key_lifetimes.latest_expiration(project, now)
    maximum = key_lifetimes.maximum_of(project)
    if latest is None or maximum is None:
        rows.append(("Expiration", "No expiration"))
    else:
        when = dateformat.format(latest, "M j, Y")
        rows.append(("Expiration", f"{when} ({maximum.label} from now, this project's limit)"))
    return rows


def summary(project, data, now: datetime) -> list[tuple[str, str]]:
    labels = {p.name: p.label for p in permissions.PERMISSIONS}
    buckets = (
        ", ".join(data.getlist("buckets")) if data.get("bucket_mode") == "select" else "All Buckets"
    )
    credential_type = CREDENTIAL_TYPES.get(data.get("type"))
    rows = [
        ("Name", data.get("name", "")),
        ("Type", credential_type.label if credential_type else ""),
    ]
    if data.get("description", "").strip():
        rows.append(("Description", data["description"].strip()))
    rows.append(("Encryption", encryption_text(project, data)))
    if credential_type and credential_type.encrypts:
        rows.append(("Path encryption", path_encryption_for(project, credential_type.value)))
    if data.get("access") != "advanced":
        return [*rows, *full_access_rows(project, now)]
    rows += [
        ("Permissions", ", ".join(labels[p] for p in data.getlist("permissions") if p in labels)),
        ("Object lock permissions", ", ".join(data.getlist("object_lock")) or "None"),
        ("Bucket notification permissions", ", ".join(data.getlist("notification")) or "None"),
        ("Buckets", buckets),
        ("Only objects under", prefixes_text(project, data)),
        ("Uploaded objects expire after at most", object_ttl_text(project, data)),
        ("Expiration", expiration_text(project, data, now)),
    ]
    return rows


def prefixes_text(project, data) -> str:
    """The prefixes chosen, in plain text: "photos/2026/, logs/web/"."""
    form = f.BucketsForm(data, project=project)
    form.is_valid()
    if data.get("bucket_mode") != "select":
        return "Anywhere in the buckets"
    chosen = [f"{bucket}/{prefix}" for bucket, prefix in form.chosen_prefixes()]
    return ", ".join(chosen) or "Anywhere in the buckets"


def object_ttl_text(project, data) -> str:
    form = f.PermissionsForm(data, project=project)
    if not form.is_valid() or form.max_object_ttl() is None:
        return "No limit"
    return duration_text(form.max_object_ttl())


@never_cache
@sensitive_post_parameters(*f.SECRET_FIELDS)
def new_access(request, public_id):
    """GET: the dialog at its first step. POST: the next (or previous) step, or creation."""
    project = load_project(request, public_id)
    if request.method == "GET":
        context = step_context(project, "name", QueryDict(), set())
        if not request.htmx:
            return render_page(request, "accesskeys/dialog/step.html", context)
        return render(request, "accesskeys/dialog/new_access.html", context)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _post_step(request, project)


def _post_step(request, project):
    data = request.POST
    step = data.get("step", "name")
    if step not in f.STEP_FORMS:
        step = "name"
    seen = set(data.getlist("seen")) | {step}
    steps = steps_for(project, data)
    if step not in steps:
        # The choices changed under this step (e.g. the type became API Key): start over there.
        return render_step(request, project, steps[-1], data, seen)
    position = steps.index(step)

    if data.get("nav") == "back":
        return render_step(request, project, steps[max(position - 1, 0)], data, seen)
    if data.get("nav") == "create_bucket" and step == "buckets":
        return _create_bucket(request, project, data, seen)

    # Only the posted step is checked against the rules here. Earlier steps' choices
    # come back as hidden fields a request can forge: they are parsed (a bad one sends
    # the user to its step with its message), and the service checks them once, when
    # the access is created.
    form = f.STEP_FORMS[step](data, project=project)
    if not form.is_valid():
        return render_step(request, project, step, data, seen, form=form)
    if step == "encryption" and not request.htmx:
        # No script keeps the passphrase in this browser: it goes on sealed.
        data = data.copy()
        data[sealed_passphrase.FIELD] = sealed_passphrase.seal(
            request.user.pk, project.public_id, form.passphrase_choice(), form.chosen_passphrase()
        )
    forms = {step: form}
    if position + 1 == len(steps) and "encryption" in steps[:position]:
        # The creation request: a flow without JavaScript carried the passphrase sealed.
        data, encryption_form = _unsealed(request, project, data)
        if encryption_form is not None:
            return render_step(request, project, "encryption", data, seen, form=encryption_form)
    for earlier in steps[:position]:
        earlier_form = f.STEP_FORMS[earlier](data, project=project, carried=True)
        if not earlier_form.is_valid() and _carried_errors(earlier_form):
            return render_step(request, project, earlier, data, seen, form=earlier_form)
        forms[earlier] = earlier_form
    if position + 1 < len(steps):
        return render_step(request, project, steps[position + 1], data, seen)
    return _create(request, project, data, steps, seen, forms)


def _create_bucket(request, project, data, seen):
    """Create a bucket from the Buckets step, as the Buckets page does (same rules and
    messages, audited), and show the step again with the bucket selected."""
    bucket_form = BucketForm(project, data, prefix=NEW_BUCKET_PREFIX)
    if not may_create_buckets(request.membership):
        bucket_form.is_valid()
        bucket_form.add_error(None, BUCKETS_ADMIN_ONLY)
        return render_step(request, project, "buckets", data, seen, bucket_form=bucket_form)
    bucket = None
    if bucket_form.is_valid():
        bucket = bucket_form.save(request.user, origin_of(request))
    if bucket is None:
        return render_step(request, project, "buckets", data, seen, bucket_form=bucket_form)
    data = data.copy()
    data["bucket_mode"] = "select"
    data.setlist("buckets", [*data.getlist("buckets"), bucket.name])
    return render_step(request, project, "buckets", data, seen, bucket_created=bucket.name)


def _carried_errors(form) -> bool:
    """Whether a step has errors in the choices carried as hidden fields.

    Passphrases are not carried (the browser keeps them): their errors, and
    the step-wide ones they cause, wait for the creation request.
    """
    return any(field not in f.SECRET_FIELDS and field != "__all__" for field in form.errors)


def _unsealed(request, project, data):
    """The data with the sealed passphrase of a flow without JavaScript put back
    in its field, or the Encryption step's form saying to enter it again."""
    sealed = data.get(sealed_passphrase.FIELD)
    if not sealed:
        return data, None
    form = f.EncryptionForm(data, project=project)
    form.is_valid()
    choice = form.passphrase_choice()
    try:
        sealed_choice, value = sealed_passphrase.unseal(request.user.pk, project.public_id, sealed)
    except sealed_passphrase.SealError:
        sealed_choice, value = None, ""
    if sealed_choice != choice:
        form.add_error(None, PASSPHRASE_AGAIN)
        return data, form
    data = data.copy()
    fields = {access_rules.CURRENT: "passphrase", access_rules.NEW: "new_passphrase"}
    field = fields.get(choice, "generated_passphrase")
    data[field] = value
    if choice == access_rules.NEW:
        # It was typed twice, and both matched, on the Encryption step.
        data["confirm_passphrase"] = value
    return data, None


PASSPHRASE_AGAIN = (
    "Enter the passphrase again: this page kept it for an hour at most, and that time has passed."
)


def _create(request, project, data, steps, seen, forms):
    # The carried steps' passphrase fields come only with this request (the browser
    # keeps them): a step whose own errors remain is shown again.
    for step in steps:
        if forms[step].errors:
            return render_step(request, project, step, data, seen, form=forms[step])

    now = timezone.now()
    try:
        access_request = f.access_request(forms, now)
        created = access_create.create_access(
            project, request.user, access_request, origin_of(request), now=now
        )
    except ValidationError as e:
        return _render_access_error(request, project, data, seen, steps, e)

    context = result_context(project, created, now)
    if not request.htmx:
        return render_page(request, "accesskeys/dialog/result.html", context)
    response = render(request, "accesskeys/dialog/result.html", context)
    return trigger_client_event(response, "accessesChanged")


def _render_access_error(request, project, data, seen, steps, error):
    """Show the service's final word (a name taken, a bucket deleted) on its step."""

    def step_of(field):
        for step in steps:
            if field in f.STEP_FORMS[step].request_fields:
                return step
        return steps[-1]

    step = min((step_of(field) for field in error.error_dict), key=steps.index)
    form = f.STEP_FORMS[step](data, project=project, carried=True)
    form.is_valid()
    for field, errors in error.error_dict.items():
        if step_of(field) == step:
            form.add_error(form.field_for(field), errors)
    return render_step(request, project, step, data, seen, form=form)


def tool_files(created) -> list[download.ToolFile]:
    """The "Download for" files, with how to use each, as the credential type has them."""
    values = [value for _, value, _ in created.result()]
    return download.tool_files(created.credential_type.value, created.key.name, values)


def result_context(project, created, now) -> dict:
    """The one-time values for the result step and the "Download all" file."""
    key = created.key
    values = created.result()
    items = download.file_items(
        created.credential_type.value, [(label, value) for label, value, _ in values]
    )
    files = tool_files(created)
    return {
        "project": project,
        "name": key.name,
        "type_label": created.credential_type.label,
        "values": [
            {"label": label, "value": value, "secret": secret, "id": f"na-value-{i}"}
            for i, (label, value, secret) in enumerate(values)
        ],
        "download": {
            "filename": download.download_filename(
                settings.BRAND_NAME, created.credential_type.download_label, key.name, now
            ),
            "content": download.download_content(items),
        },
        "tool_files": files,
        "tool_files_data": [
            {"tool": f.tool, "filename": f.filename, "content": f.content} for f in files
        ],
    }
