"""S3 bucket naming rules, one message per rule broken."""

import re

from django.core.exceptions import ValidationError

IPV4_LIKE = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
ALLOWED_CHARACTERS = re.compile(r"^[a-z0-9.-]*$")


def bucket_name_problems(name: str) -> list[str]:
    problems = []
    if not 3 <= len(name) <= 63:
        problems.append("Bucket names must be between 3 and 63 characters long.")
    if not ALLOWED_CHARACTERS.match(name):
        problems.append(
            "Bucket names can contain only lowercase letters, numbers, dots (.) and hyphens (-)."
        )
    if name and not (name[0].isalnum() and name[0].isascii()):
        problems.append("Bucket names must begin with a letter or number.")
    if name and not (name[-1].isalnum() and name[-1].isascii()):
        problems.append("Bucket names must end with a letter or number.")
    if ".." in name or ".-" in name or "-." in name:
        problems.append(
            "Bucket names must not contain two adjacent dots, or a dot next to a hyphen."
        )
    if IPV4_LIKE.match(name):
        problems.append("Bucket names must not be formatted as an IP address (e.g. 192.168.5.4).")
    if name.startswith("xn--"):
        problems.append("Bucket names must not start with the prefix xn--.")
    if name.endswith("-s3alias") or name.endswith("--ol-s3"):
        problems.append("Bucket names must not end with the suffix -s3alias or --ol-s3.")
    return problems


def validate_bucket_name(name: str) -> None:
    problems = bucket_name_problems(name)
    if problems:
        raise ValidationError(problems)
