from django.shortcuts import render

from console.membership import load_project


def index(request, public_id):
    project = load_project(request, public_id)
    keys = project.access_keys.active().select_related("created_by").order_by("name")[:10]
    return render(request, "accesskeys/index.html", {"keys": keys, "page": "accesskeys"})
