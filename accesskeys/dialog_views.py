"""The New Access dialog: each step rendered by the server as a partial."""

from django.shortcuts import render

from console.membership import load_project


def new_access(request, public_id):
    project = load_project(request, public_id)
    return render(request, "accesskeys/dialog/new_access.html", {"project": project})
