"""Two Admins changing each other at the same moment: one wins, the other is told.

Each request locked its target's row, then every Admin row to count them: two
crossed requests waited on each other (a deadlock on PostgreSQL, "database is
locked" on SQLite), and one of them was a server error (issue 9, item 6).
"""

import threading
from contextlib import contextmanager, suppress

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from console.models import AuditEvent, Membership
from tests.helpers.factories import make_user

# Long enough for the other request to reach the same point when it can; a
# request that waits for the other's lock instead never does, and goes on.
PAUSE_SECONDS = 3


def wait(barrier: threading.Barrier) -> None:
    with suppress(threading.BrokenBarrierError):
        barrier.wait(PAUSE_SECONDS)


@contextmanager
def crossing(before: threading.Barrier, after: threading.Barrier):
    """Line two requests up: both read their own role (the page's check) at
    once, then both have run their first query of memberships in a
    transaction, unless one is blocked waiting for the other's lock."""
    checked_role = locked = False

    def wrapper(execute, sql, params, many, context):
        nonlocal checked_role, locked
        if not checked_role and '"console_membership"' in sql:
            checked_role = True
            wait(before)
            return execute(sql, params, many, context)
        result = execute(sql, params, many, context)
        if not locked and connection.in_atomic_block and '"console_membership"' in sql:
            locked = True
            wait(after)
        return result

    with connection.execute_wrapper(wrapper):
        yield


@pytest.fixture
def two_admins(project, admin):
    other = make_user("dana@example.com")
    Membership.objects.create(user=other, project=project, role=Membership.Role.ADMIN)
    return {
        admin: Membership.objects.get(project=project, user=admin),
        other: Membership.objects.get(project=project, user=other),
    }


def crossed_requests(project, two_admins, url_name, data) -> dict:
    """Each Admin posts to url_name about the other, at the same moment."""
    (first, first_m), (second, second_m) = two_admins.items()
    targets = {first: second_m, second: first_m}
    before, after = threading.Barrier(2), threading.Barrier(2)
    answers = {}

    def act(user):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        url = reverse(url_name, args=[project.public_id, targets[user].id])
        try:
            with crossing(before, after):
                answers[user] = client.post(url, data, follow=True)
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(user,), daemon=True) for user in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [t for t in threads if t.is_alive()], "a request hung"
    return answers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("url_name", "data", "event", "message"),
    [
        ("team_role", {"role": "member"}, "role_changed", "You are no longer an Admin of Alpha."),
        ("team_remove", {}, "member_removed", "You are no longer a member of Alpha."),
    ],
)
def test_it_lets_one_of_two_admins_acting_on_each_other_win(
    project, two_admins, url_name, data, event, message
):
    answers = crossed_requests(project, two_admins, url_name, data)

    assert sorted(r.status_code for r in answers.values()) == [200, 200]
    admins = Membership.objects.filter(project=project, role=Membership.Role.ADMIN)
    assert admins.count() == 1
    assert AuditEvent.objects.filter(action=event).count() == 1
    winner = admins.get().user
    loser = next(user for user in answers if user != winner)
    assert message in answers[loser].content.decode()
