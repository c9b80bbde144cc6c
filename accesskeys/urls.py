from django.urls import path

from accesskeys import views

app_name = "accesskeys"

urlpatterns = [
    path("", views.index, name="index"),
]
