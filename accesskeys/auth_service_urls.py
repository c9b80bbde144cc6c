"""Storj's auth service API (storj/edge pkg/auth/httpauth), under /v1/ at the site root."""

from django.urls import path

from accesskeys import auth_service_views

urlpatterns = [
    path("health/startup", auth_service_views.health_startup, name="auth_service_health_startup"),
    path("health/live", auth_service_views.health_live, name="auth_service_health_live"),
    path("access", auth_service_views.register, name="auth_service_register"),
    path("access/<str:access_key_id>", auth_service_views.resolve, name="auth_service_resolve"),
]
