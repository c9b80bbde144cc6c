from django.urls import path

from accesskeys import detail_views, dialog_views, rotate_views, share_views, views

app_name = "accesskeys"

urlpatterns = [
    # The Access Keys page (table, search, sort, paging, delete): views.py
    path("", views.index, name="index"),
    path("delete/", views.delete, name="delete"),
    # Rotating several keys at once (the Audit page's stale keys): rotate_views.py
    path("rotate/", rotate_views.rotate_many, name="rotate_many"),
    # The New Access dialog, step by step: dialog_views.py
    path("new/", dialog_views.new_access, name="new"),
    # Share on the Buckets page: a public link to a bucket or folder (share_views.py)
    path("share/", share_views.share, name="share"),
    # One key's details, for every member: detail_views.py
    path("<int:key_id>/", detail_views.detail, name="detail"),
    # Renaming and describing it, for Admins and its creator.
    path("<int:key_id>/edit/", detail_views.edit, name="edit"),
    # Replacing it by a new key with the same restrictions: rotate_views.py
    path("<int:key_id>/rotate/", rotate_views.rotate, name="rotate"),
]
