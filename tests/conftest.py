"""The shared cast: a project with an Admin and a Member, and an outsider
who belongs to another project and must get 404 on this one."""

import pytest

from console.models import Bucket, Membership, Project
from tests.helpers.factories import api_token_for, client_for, make_user


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    # Tests make accounts and sign in all the time; Django's real password hasher is
    # slow on purpose (seconds per password on a busy machine).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def project(db):
    project = Project.objects.create(name="Alpha", passphrase_mode=Project.PassphraseMode.USER)
    for name, object_lock in [("photos", False), ("backups", True), ("logs", False)]:
        Bucket.objects.create(project=project, name=name, object_lock=object_lock)
    return project


@pytest.fixture
def other_project(db):
    return Project.objects.create(name="Other")


@pytest.fixture
def admin(project):
    user = make_user("alice@example.com")
    Membership.objects.create(user=user, project=project, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def member(project):
    user = make_user("bob@example.com")
    Membership.objects.create(user=user, project=project, role=Membership.Role.MEMBER)
    return user


@pytest.fixture
def outsider(other_project):
    user = make_user("charlie@example.com")
    Membership.objects.create(user=user, project=other_project, role=Membership.Role.ADMIN)
    return user


@pytest.fixture
def admin_client(admin):
    return client_for(admin)


@pytest.fixture
def member_client(member):
    return client_for(member)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)


@pytest.fixture
def admin_token(admin, project):
    return api_token_for(admin, project)


@pytest.fixture
def member_token(member, project):
    return api_token_for(member, project)


@pytest.fixture
def outsider_token(outsider, other_project):
    return api_token_for(outsider, other_project)


GATEWAY_TOKEN = "test-gateway-token-0123456789"


@pytest.fixture
def s3_gateway(live_server, settings):
    """tests/helpers/s3_gateway.py on loopback, resolving keys through the live console.

    S3 credentials created during the test carry the gateway's URL as their
    endpoint; the gateway holds the project's three buckets, empty.
    """
    from tests.helpers.s3_gateway import AuthService, S3Gateway

    settings.AUTH_SERVICE_TOKENS = [GATEWAY_TOKEN]
    gateway = S3Gateway(AuthService(live_server.url, GATEWAY_TOKEN)).start()
    settings.S3_ENDPOINT = gateway.url
    for name in ("photos", "backups", "logs"):
        gateway.create_bucket(name)
    yield gateway
    gateway.stop()


def use_mail_settings(settings, url: str) -> None:
    """Point Django's email settings at `url`, as EMAIL_URL would."""
    from console.email_url import email_settings

    for name, value in email_settings(url).items():
        if name.startswith("EMAIL_") and name != "EMAIL_FILE_PATH":
            setattr(settings, name, value)
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def mail_server(settings, tmp_path, monkeypatch):
    """A real SMTP server on loopback (STARTTLS, password), and Django sending to it.
    Django's SMTP backend checks the server's certificate against the system's
    CAs; SSL_CERT_FILE makes the throwaway certificate the one to trust."""
    from tests.helpers.mail_server import MailServer

    server = MailServer(tmp_path)
    server.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(server.certificate))
    use_mail_settings(settings, server.url)
    yield server
    server.stop()


@pytest.fixture
def mail_server_down(settings):
    """Django's email settings pointing at a loopback port where nothing listens."""
    from tests.helpers.mail_server import free_port

    use_mail_settings(settings, f"smtp://127.0.0.1:{free_port()}")
