"""How long creating an access takes, and how much of it is Argon2id.

    python -m benchmarks.create_access [--runs N]

Runs against a throwaway SQLite database (or DATABASE_URL if set) and prints
the median time to create each type, the Argon2id step alone, and what
creation costs beyond Argon2id as a share of it.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time


def setup_django() -> None:
    if "DATABASE_URL" not in os.environ:
        path = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    setup_django()

    from accesskeys.models import AccessKey
    from accesskeys.services.access import CreateAccessRequest, create_access
    from console.models import Membership, Project, User
    from storjformat import passphrase

    user = User.objects.create_user(email=f"bench-{time.time_ns()}@example.com", password="x")
    project = Project.objects.create(name="Benchmark")
    Membership.objects.create(user=user, project=project, role=Membership.Role.ADMIN)
    salt = bytes(project.salt)

    argon = []
    for _ in range(runs):
        path_salt = passphrase.path_salt(passphrase.mixed_salt(b"bench passphrase", salt))
        start = time.perf_counter()
        passphrase.argon2id_key(b"bench passphrase", path_salt)
        argon.append(time.perf_counter() - start)
    argon_ms = median_ms(argon)

    def time_creations(type_, label: str) -> float:
        samples = []
        for i in range(runs):
            choices = CreateAccessRequest(
                name=f"{label}-{type_.value}-{i}", type=type_.value, passphrase="bench passphrase"
            )
            start = time.perf_counter()
            create_access(project, user, choices)
            samples.append(time.perf_counter() - start)
        return median_ms(samples)

    print(f"Median of {runs} runs, Python {sys.version.split()[0]}")
    print(f"{'Argon2id step alone':<28}{argon_ms:>9.1f} ms")
    real_argon2id = passphrase.argon2id_key
    precomputed = real_argon2id(b"bench passphrase", salt)
    for type_ in AccessKey.Type:
        total = time_creations(type_, "full")
        # The same creation with Argon2id answered instantly: the cost beyond it.
        passphrase.argon2id_key = lambda *args, **kwargs: precomputed
        try:
            beyond = time_creations(type_, "beyond")
        finally:
            passphrase.argon2id_key = real_argon2id
        line = f"{'Create ' + type_.label:<28}{total:>9.1f} ms"
        if type_ != AccessKey.Type.API_KEY:
            line += f"   without Argon2id: {beyond:5.1f} ms ({beyond / argon_ms:.1%} of Argon2id)"
        print(line)


if __name__ == "__main__":
    main()
