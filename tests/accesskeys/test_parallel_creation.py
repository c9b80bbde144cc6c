"""Several creations at once in one process, as threaded servers run them.

cryptography's Argon2id hung when two threads derived keys at once (issue 9,
item 3); every S3 credential and access grant derives one.
"""

import threading
import time

import pytest
from django.db import connection

from accesskeys.models import AccessKey, S3Credential
from accesskeys.services.access import CreateAccessRequest, create_access
from storjformat import grant, passphrase

THREADS = 4
# Each creation takes well under a second here; a hang never finishes.
TIMEOUT_SECONDS = 60


def run_in_threads(target, count: int) -> list[threading.Thread]:
    barrier = threading.Barrier(count)

    def start(i):
        barrier.wait()
        target(i)

    threads = [threading.Thread(target=start, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + TIMEOUT_SECONDS
    for thread in threads:
        thread.join(max(0, deadline - time.monotonic()))
    return threads


@pytest.mark.django_db(transaction=True)
def test_it_creates_s3_credentials_and_grants_in_parallel_threads(project, admin):
    results: dict[int, object] = {}

    def create(i):
        try:
            choices = CreateAccessRequest(
                name=f"parallel-{i}",
                type="s3" if i % 2 else "access_grant",
                passphrase=f"passphrase {i}",
            )
            results[i] = create_access(project, admin, choices)
        except Exception as exc:  # reported below with the thread's number
            results[i] = exc
        finally:
            connection.close()

    threads = run_in_threads(create, THREADS)

    assert not [t for t in threads if t.is_alive()], "a creation hung"
    failures = {i: r for i, r in results.items() if isinstance(r, Exception)}
    assert failures == {}
    assert AccessKey.objects.filter(name__startswith="parallel-").count() == THREADS
    assert S3Credential.objects.count() == THREADS // 2
    for i, created in results.items():
        scope = grant.parse_grant(created.access_grant)
        expected = passphrase.derive_root_key(f"passphrase {i}", bytes(project.salt))
        assert scope.encryption_access.default_key == expected
