"""What a satellite decides about an API key: the test oracle for what a key allows.

The console never checks actions itself (a satellite does); tests use this to
prove what the keys it issues allow, against the secret it keeps.
"""

from accesskeys import macaroon_secrets
from accesskeys.models import AccessKey
from accesskeys.services.lookup import mark_used
from storjformat import macaroon


def authorize(api_key: str, action: macaroon.Action) -> AccessKey:
    """The access key behind `api_key` if it allows `action`.

    Raises FormatError for a malformed key and macaroon.ActionDenied when the
    key is unknown, revoked, expired or does not allow the action.
    """
    parsed = macaroon.from_api_key_string(api_key)
    key = AccessKey.objects.filter(head=parsed.head).first()
    if key is None:
        raise macaroon.ActionDenied("api key not found")
    # A rotated key's overlap ends before the expiration written inside it: the
    # satellite's record of the key decides.
    if key.not_after is not None and action.time and action.time >= key.not_after:
        raise macaroon.ActionDenied("api key expired")
    secret = macaroon_secrets.decrypt_macaroon_secret(
        key.head, key.secret_encrypted, key.secret_key_id
    )
    # A deleted key revokes its whole chain, so every restriction of it fails too.
    revoked = macaroon.all_tails(parsed, secret) if key.revoked_at else ()
    macaroon.check(parsed, secret, action, revoked_tails=revoked)
    mark_used(key.pk, key.last_used_at, action.time)
    return key
