"""The New Access dialog's form data, as the browser posts it after each step."""

import re


def checked(html, name):
    """The values of the checked boxes or radios called `name`."""
    inputs = re.findall(rf'<input type="(?:checkbox|radio)" name="{name}"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', i)[1] for i in inputs if " checked" in i]


def advanced(**extra):
    """Choices of an Advanced S3 access that has been through every step."""
    data = {
        "name": "my-access",
        "type": "s3",
        "description": "",
        "access": "advanced",
        "encryption": "current",
        "new_choice": "enter",
        "permissions": ["read", "list"],
        "object_lock": [],
        "bucket_mode": "all",
        "expiration": "none",
        "seen": ["name", "access", "encryption", "permissions", "object_lock", "buckets"],
    }
    data.update(extra)
    return data
