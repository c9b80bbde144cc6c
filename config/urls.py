"""Root URLs: the console's pages, the access keys under each project, the Audit page,
the API tokens page and the REST API."""

from django.urls import include, path

from accesskeys import key_audit_views, offboarding_views

urlpatterns = [
    # Storj's auth service API, for gateways (gateway-mt, linksharing): first,
    # as every S3 request a gateway serves may resolve through it.
    path("v1/", include("accesskeys.auth_service_urls")),
    path("", include("console.urls")),
    # Removing a member (or leaving) asks first what becomes of their access keys.
    path(
        "projects/<uuid:public_id>/team/<int:membership_id>/remove/",
        offboarding_views.remove_member,
        name="team_remove",
    ),
    path("projects/<uuid:public_id>/access-keys/", include("accesskeys.urls")),
    # The Audit page shows the keys above the console's event log.
    path("projects/<uuid:public_id>/audit/", key_audit_views.audit, name="audit"),
    path(
        "projects/<uuid:public_id>/audit/keys.csv", key_audit_views.keys_csv, name="audit_keys_csv"
    ),
    # The API tokens page and the REST API.
    path("", include("api.urls")),
]
