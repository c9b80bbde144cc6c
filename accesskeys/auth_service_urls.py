"""Storj's auth service API (storj/edge pkg/auth/httpauth), under /v1/ at the site root."""

from django.urls import path

from accesskeys import auth_service_views

urlpatterns = [
    path("access", auth_service_views.register, name="auth_service_register"),
    path("access/<str:access_key_id>", auth_service_views.resolve, name="auth_service_resolve"),
]
