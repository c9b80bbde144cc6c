from django.urls import reverse

from console.models import AuditEvent
from tests.helpers.factories import PASSWORD


def test_it_signs_in_and_lands_on_access_keys(client, admin, project):
    response = client.post("/signin/", {"email": admin.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accesskeys:index", args=[project.public_id])
    assert AuditEvent.objects.filter(action="sign_in", actor=admin).exists()


def test_it_accepts_the_email_in_any_case(client, admin, project):
    response = client.post("/signin/", {"email": "ALICE@Example.com", "password": PASSWORD})
    assert response.status_code == 302


def test_it_says_the_same_for_a_wrong_password_and_an_unknown_email(client, admin):
    wrong_password = client.post("/signin/", {"email": admin.email, "password": "nope"})
    unknown_email = client.post("/signin/", {"email": "who@example.com", "password": "nope"})

    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert "Incorrect email or password." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sign_in_failed").count() == 2


def test_it_asks_for_both_fields(client, db):
    response = client.post("/signin/", {"email": "", "password": ""})
    assert response.content.decode().count("This field is required.") == 2


def test_it_follows_a_safe_next_but_not_another_site(client, admin, project):
    buckets = reverse("buckets", args=[project.public_id])
    response = client.post(
        f"/signin/?next={buckets}", {"email": admin.email, "password": PASSWORD, "next": buckets}
    )
    assert response.url == buckets

    client.logout()
    response = client.post(
        "/signin/", {"email": admin.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_it_redirects_anonymous_users_to_sign_in(client, project):
    for url in ["/", reverse("buckets", args=[project.public_id])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/signin/?next=")


def test_it_signs_out_with_a_post(admin_client, admin):
    assert admin_client.get("/signout/").status_code == 405
    response = admin_client.post("/signout/")
    assert response.url == reverse("signin")
    assert admin_client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="sign_out", actor=admin).exists()


def test_it_says_so_on_the_sign_in_page_after_signing_out(admin_client):
    response = admin_client.post("/signout/", follow=True)
    assert response.request["PATH_INFO"] == reverse("signin")
    assert "You have signed out." in response.content.decode()
    # Once: a reload no longer says it.
    assert "You have signed out." not in admin_client.get(reverse("signin")).content.decode()


def test_it_offers_no_project_page_to_users_without_one(client, db):
    from console.models import User

    user = User.objects.create_user(email="lonely@example.com", password=PASSWORD)
    client.force_login(user)
    assert "not in a project yet" in client.get("/").content.decode()
