import pytest
from django.urls import reverse

from console.bucket_names import bucket_name_problems
from console.models import AuditEvent, Bucket


def url(project):
    return reverse("buckets", args=[project.public_id])


@pytest.mark.parametrize("name", ["abc", "my-bucket", "logs.2026", "a" * 63, "0backup9", "x-y.z"])
def test_it_accepts_valid_bucket_names(name):
    assert bucket_name_problems(name) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ab", "between 3 and 63 characters"),
        ("a" * 64, "between 3 and 63 characters"),
        ("My-Bucket", "only lowercase letters, numbers, dots (.) and hyphens (-)"),
        ("my_bucket", "only lowercase letters"),
        ("-bucket", "must begin with a letter or number"),
        ("bucket-", "must end with a letter or number"),
        ("my..bucket", "two adjacent dots"),
        ("my.-bucket", "a dot next to a hyphen"),
        ("192.168.5.4", "formatted as an IP address"),
        ("xn--bucket", "prefix xn--"),
        ("bucket-s3alias", "suffix -s3alias"),
        ("bucket--ol-s3", "suffix -s3alias or --ol-s3"),
    ],
)
def test_it_explains_each_broken_rule(name, message):
    assert any(message in problem for problem in bucket_name_problems(name))


def test_it_lists_buckets_to_every_member(member_client, project):
    body = member_client.get(url(project)).content.decode()
    for name in ["photos", "backups", "logs"]:
        assert name in body
    assert "Create bucket" not in body


def test_it_lets_admins_create_a_bucket(admin_client, project):
    response = admin_client.post(url(project), {"name": "videos", "object_lock": "on"})
    assert response.status_code == 302
    bucket = Bucket.objects.get(project=project, name="videos")
    assert bucket.object_lock
    event = AuditEvent.objects.get(action="bucket_created")
    assert event.details == {"bucket": "videos", "object_lock": True}


def test_it_shows_the_message_in_place_and_creates_nothing(admin_client, project):
    response = admin_client.post(url(project), {"name": "Bad_Name"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "only lowercase letters" in body
    assert 'aria-invalid="true"' in body
    assert Bucket.objects.filter(project=project).count() == 3


def test_it_refuses_a_duplicate_name(admin_client, project):
    response = admin_client.post(url(project), {"name": "photos"})
    assert "already exists" in response.content.decode()
    assert Bucket.objects.filter(project=project, name="photos").count() == 1


def test_it_allows_the_same_name_in_another_project(admin_client, project, other_project):
    Bucket.objects.create(project=other_project, name="videos")
    admin_client.post(url(project), {"name": "videos"})
    assert Bucket.objects.filter(name="videos").count() == 2


def test_it_refuses_members_creating_buckets(member_client, project):
    member_client.post(url(project), {"name": "videos"})
    assert not Bucket.objects.filter(name="videos").exists()


def test_it_hides_buckets_from_outsiders(outsider_client, project):
    assert outsider_client.get(url(project)).status_code == 404
    assert outsider_client.post(url(project), {"name": "videos"}).status_code == 404
