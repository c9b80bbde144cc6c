import base64

from django.urls import reverse


def salt_url(project):
    return reverse("project_salt", args=[project.public_id])


def test_it_serves_the_salt_as_a_base64_json_string(member_client, project):
    response = member_client.get(salt_url(project))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert base64.b64decode(response.json()) == bytes(project.salt)
    assert len(bytes(project.salt)) == 16


def test_it_hides_the_salt_from_outsiders_and_anonymous_users(outsider_client, client, project):
    assert outsider_client.get(salt_url(project)).status_code == 404
    assert client.get(salt_url(project)).status_code == 404


def test_it_gives_every_project_its_own_salt(project, other_project):
    assert bytes(project.salt) != bytes(other_project.salt)


def test_it_reports_health(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"


def test_it_reports_a_database_that_does_not_answer(client, db, monkeypatch):
    from django.db import OperationalError

    class DownDatabase:
        def cursor(self):
            raise OperationalError("server closed the connection")

    monkeypatch.setattr("console.views.connection", DownDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
