from django.urls import include, path

from console import project_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("healthz", views.healthz, name="healthz"),
    path("projects/new/", project_views.new_project, name="project_new"),
    path(
        "projects/<uuid:public_id>/settings/",
        project_views.project_settings,
        name="project_settings",
    ),
    path("projects/<uuid:public_id>/buckets/", views.buckets, name="buckets"),
    path("projects/<uuid:public_id>/access-keys/", include("accesskeys.urls")),
    path("api/v0/projects/<uuid:public_id>/salt", views.project_salt, name="project_salt"),
]
