"""What sign-in throttling (django-axes) counts failures against."""


def attempted_email(request, credentials: dict | None) -> str | None:
    """The email a sign-in tried, as accounts store it (lower case, within its length),
    so that `Alice@Example.com` and `alice@example.com` count as one account."""
    email = (credentials or {}).get("email") or request.POST.get("email")
    if not email:
        return None
    return str(email).strip().lower()[:254]
