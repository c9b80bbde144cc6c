from django.urls import path

from accesskeys import detail_views, dialog_views, share_views, views

app_name = "accesskeys"

urlpatterns = [
    # The Access Keys page (table, search, sort, paging, delete): views.py
    path("", views.index, name="index"),
    path("delete/", views.delete, name="delete"),
    # The New Access dialog, step by step: dialog_views.py
    path("new/", dialog_views.new_access, name="new"),
    # Share on the Buckets page: a public link to a bucket or folder (share_views.py)
    path("share/", share_views.share, name="share"),
    # One key's details, for every member: detail_views.py
    path("<int:key_id>/", detail_views.detail, name="detail"),
    # Renaming and describing it, for Admins and its creator.
    path("<int:key_id>/edit/", detail_views.edit, name="edit"),
]
