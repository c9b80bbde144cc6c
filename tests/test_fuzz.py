"""Fuzzing every form and every management command: odd input never makes a server error.

Hypothesis sends generated values (control characters, other scripts' digits,
huge numbers, long text, repeated fields, unknown fields) to each form of the
console, as the signed-in Admin or as a visitor, and runs each of the
project's management commands with generated arguments. A response must not
be a 5xx nor show a traceback; a command may refuse (CommandError) but raise
nothing else.

Bounded for CI: the "ci" profile runs 50 examples per target, derandomized so
a run is repeatable. `HYPOTHESIS_PROFILE=deep` explores ten times more at random.
"""

import os
from contextlib import suppress
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console import invitations
from console.models import Membership
from tests.helpers.factories import make_access_key

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Values that broke a form once, or that parsers and databases often trip on.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202eevil",
    "٣",
    "０１",
    "²",
    "99999999999999999999999",
    "9223372036854775808",
    "-1",
    "0",
    "1e3",
    "NaN",
    "../../tmp/evil",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n%x",
    "{{ 7*7 }}",
    "a" * 260 + "@example.com",
    "x" * 5000,
    "2031-02-30",
    "9999-12-31",
    "0000-00-00",
    "S3",
    "s3",
    "api_key",
    "access_grant",
    "advanced",
    "full",
    "select",
    "custom",
    "generate",
    "admin",
    "member",
    "on",
    "read",
    "photos",
]
# Any text but lone surrogates, which no client can send as UTF-8.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
VALUE = st.one_of(st.sampled_from(NASTY), TEXT)
VALUES = st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=4))


def form_data(*fields: str):
    """Any subset of the form's own fields, plus maybe an unknown one."""
    known = st.fixed_dictionaries({}, optional={name: VALUES for name in fields})
    extra = st.dictionaries(TEXT.filter(bool), VALUES, max_size=1)
    return st.tuples(known, extra).map(lambda pair: {**pair[1], **pair[0]})


def assert_answered(response):
    assert response.status_code < 500, response.status_code
    if not getattr(response, "streaming", False):
        assert b"Traceback" not in response.content


@pytest.fixture
def cast(project, admin, member, settings):
    """The project with a key, a member and a pending link, and clients to use them
    (sign-up open, so that its forms are there to fuzz)."""
    settings.SIGNUP = "open"
    key = make_access_key(project, admin, "fuzzed-key")
    membership = Membership.objects.get(project=project, user=member)
    signed_in = Client()
    signed_in.force_login(admin)
    return {
        "project": project,
        "key": key,
        "membership": membership,
        "admin": signed_in,
        "visitor": Client(),
        "p": f"/projects/{project.public_id}",
    }


# (who, method, path under the project or the site, the form's fields)
FORMS = {
    "sign-in": ("visitor", "post", "/signin/", ["email", "password", "next"]),
    "dialog-open": ("admin", "get", "{p}/access-keys/new/", []),
    "dialog-steps": (
        "admin",
        "post",
        "{p}/access-keys/new/",
        [
            "step",
            "nav",
            "seen",
            "name",
            "type",
            "description",
            "access",
            "encryption",
            "new_choice",
            "passphrase",
            "new_passphrase",
            "generated_passphrase",
            "saved_passphrase",
            "permissions",
            "object_lock",
            "bucket_mode",
            "buckets",
            "expiration",
            "expiration_date",
        ],
    ),
    "access-keys-table": ("admin", "get", "{p}/access-keys/", ["q", "sort", "page", "size"]),
    "delete-confirm": ("admin", "get", "{p}/access-keys/delete/", ["ids"]),
    "delete": ("admin", "post", "{p}/access-keys/delete/", ["ids"]),
    "buckets": ("admin", "post", "{p}/buckets/", ["name", "object_lock"]),
    "new-project": ("admin", "post", "/projects/new/", ["name", "description", "passphrase_mode"]),
    "project-settings": ("admin", "post", "{p}/settings/", ["name", "description"]),
    "team-add": ("admin", "post", "{p}/team/", ["email", "role", "again"]),
    "team-role": ("admin", "post", "{p}/team/{m}/role/", ["role"]),
    "sign-out": ("visitor", "post", "/signout/", []),
    "forgot-password": ("visitor", "post", "/signin/forgot/", ["email"]),
    "sign-up": ("visitor", "post", "/signup/", ["email"]),
    "sign-up-finish": (
        "visitor",
        "post",
        "/signup/verify/",
        ["password1", "password2", "project_name"],
    ),
    "reset-password": ("visitor", "post", "/password-reset/", ["password1", "password2"]),
    "sign-in-code": ("visitor", "post", "/signin/code/", ["code"]),
    "account": ("admin", "get", "/account/", []),
    "two-factor-setup": ("admin", "post", "/account/two-factor/", ["code"]),
    "change-password": (
        "admin",
        "post",
        "/account/password/",
        ["current_password", "password1", "password2"],
    ),
    "recovery-codes": ("admin", "post", "/account/two-factor/recovery-codes/", ["regenerate-code"]),
    "two-factor-off": ("admin", "post", "/account/two-factor/turn-off/", ["turn_off-code"]),
    "project-two-factor": ("admin", "post", "{p}/settings/two-factor/", ["require_two_factor"]),
    "project-key-lifetime": ("admin", "post", "{p}/settings/key-lifetime/", ["max_key_lifetime"]),
    "key-edit": ("admin", "post", "{p}/access-keys/{k}/edit/", ["name", "description"]),
    "key-rotate": (
        "admin",
        "post",
        "{p}/access-keys/{k}/rotate/",
        [
            "overlap",
            "encryption",
            "new_choice",
            "passphrase",
            "new_passphrase",
            "generated_passphrase",
            "saved_passphrase",
        ],
    ),
    "audit-filters": (
        "admin",
        "get",
        "{p}/audit/",
        [
            "creator",
            "type",
            "status",
            "permission",
            "bucket",
            "expiring",
            "risky",
            "unused",
            "former",
            "action",
            "actor",
            "page",
            "kpage",
        ],
    ),
    "audit-keys-csv": (
        "admin",
        "get",
        "{p}/audit/keys.csv",
        ["creator", "type", "status", "permission", "bucket", "expiring", "risky", "former"],
    ),
    "audit-events-csv": ("admin", "get", "{p}/audit/events.csv", ["action", "actor"]),
}


@pytest.mark.parametrize("target", FORMS)
def test_it_answers_every_form_without_a_server_error(cast, target):
    who, method, path, fields = FORMS[target]
    url = path.format(p=cast["p"], m=cast["membership"].id, k=cast["key"].id)
    client = cast[who]

    @given(data=form_data(*fields), htmx=st.booleans())
    def send(data, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        assert_answered(getattr(client, method)(url, data, headers=headers))

    send()


# PostgreSQL refuses NUL in text (SQLite stores it), so these run on both: CI
# runs this file with DATABASE_URL pointing at PostgreSQL too.
NUL_VALUES = ["\x00", "a\x00b", "photos\x00"]


@pytest.mark.parametrize("target", FORMS)
def test_it_answers_a_nul_byte_in_every_field(cast, target):
    """Each field of each form, alone and with the others filled, gets a NUL byte:
    refused with a message or left out, never a server error."""
    who, method, path, fields = FORMS[target]
    url = path.format(p=cast["p"], m=cast["membership"].id, k=cast["key"].id)
    client = cast[who]
    for field in fields or ["q"]:
        for value in NUL_VALUES:
            for htmx in (False, True):
                headers = {"HX-Request": "true"} if htmx else {}
                data = {name: "photos" for name in fields} | {field: value}
                assert_answered(getattr(client, method)(url, data, headers=headers))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/projects/{p}/accesses?search={v}",
        "/api/v1/projects/{p}/audit-events?actor={v}",
    ],
)
def test_the_api_answers_a_nul_byte_in_a_query(cast, admin, path):
    from tests.helpers.factories import api_token_for, bearer

    token = api_token_for(admin, cast["project"])
    url = path.format(p=cast["project"].public_id, v=quote("a\x00b"))
    response = Client().get(url, **bearer(token))
    assert response.status_code == 422, response.content


def test_the_api_answers_a_nul_byte_in_a_body(cast, admin):
    from tests.helpers.factories import api_token_for, bearer

    token = api_token_for(admin, cast["project"])
    url = f"/api/v1/projects/{cast['project'].public_id}/accesses"
    for body in [
        {"name": "a\x00b", "type": "api-key"},
        {"name": "k", "type": "api-key", "description": "\x00"},
        {"name": "k", "type": "api-key", "buckets": ["photos\x00"]},
    ]:
        response = Client().post(url, body, content_type="application/json", **bearer(token))
        assert response.status_code in (400, 422), response.content


@given(key_id=st.one_of(st.integers(min_value=-1, max_value=2**70), st.sampled_from(NASTY)))
def test_it_answers_any_key_id_in_a_url(cast, key_id):
    path = f"{cast['p']}/access-keys/{quote(str(key_id), safe='')}/"
    assert_answered(cast["admin"].get(path))


@given(token=st.one_of(st.sampled_from(NASTY), TEXT))
def test_it_answers_any_invitation_link(cast, token):
    path = f"/invitations/{quote(token, safe='') or 'x'}/"
    assert_answered(cast["visitor"].get(path))


def test_it_answers_any_invitation_form(cast, admin):
    invitation, token = invitations.issue("new@example.com", cast["project"], "member", admin)
    invitation.mailed_at = invitation.created_at  # as if mailed: the form that sets a password
    invitation.save()
    visitor = cast["visitor"]
    visitor.get(f"/invitations/{token}/")  # keeps the invitation in the session

    @given(data=form_data("password1", "password2"))
    def send(data):
        assert_answered(visitor.post("/invitation/", data))

    send()


# --- management commands ---------------------------------------------------------


def project_commands() -> list[str]:
    return sorted(name for name, app in get_commands().items() if app in ("accesskeys", "console"))


def arguments_of(name: str):
    """Any of the command's options, each with a generated value (or none for flags)."""
    parser = load_command_class(get_commands()[name], name).create_parser("manage.py", name)
    options, positionals = [], []
    for action in parser._actions:
        if action.dest in ("help", "version") or action.dest in (
            "verbosity",
            "settings",
            "pythonpath",
            "traceback",
            "no_color",
            "force_color",
            "skip_checks",
        ):
            continue
        if action.option_strings:
            options.append((action.option_strings[-1], action.nargs == 0))
        else:
            positionals.append(action.dest)

    def option(pair):
        flag, is_switch = pair
        return st.just([flag]) if is_switch else VALUE.map(lambda v, f=flag: [f, v])

    chosen = st.lists(st.sampled_from(options), unique=True) if options else st.just([])
    return st.tuples(
        chosen.flatmap(lambda picks: st.tuples(*[option(p) for p in picks])),
        st.lists(VALUE, min_size=len(positionals), max_size=len(positionals)),
    ).map(lambda parts: [a for group in parts[0] for a in group] + parts[1])


@pytest.mark.parametrize("name", project_commands())
def test_it_runs_every_command_without_a_traceback(cast, name):
    @given(argv=arguments_of(name))
    def run(argv):
        with suppress(CommandError):  # a clear refusal
            call_command(name, *argv, stdout=StringIO(), stderr=StringIO())

    run()
