"""The passphrase of a New Access flow without JavaScript, carried sealed.

With JavaScript the browser keeps the passphrase chosen on the Encryption step
and sends it only with the request that creates the access. Without it, the
steps after Encryption are plain forms, so the passphrase has to travel with
them: it goes as a hidden field encrypted (AES-256-GCM) under the server's
current master key, bound to the person, the project and the choice, and
valid for an hour. The page never holds it in plaintext, the server stores
nothing (nor the session), and a sealed value is useless to anyone else.
"""

import base64
import json
import time

from console import keyring
from console.masterkeys import MasterKeyError

FIELD = "sealed_passphrase"
LIFETIME_SECONDS = 60 * 60


class SealError(ValueError):
    """A sealed passphrase that is expired, altered, or someone else's."""


def _context(user_id: int, project_public_id) -> bytes:
    return f"new-access-passphrase:{user_id}:{project_public_id}".encode()


def seal(user_id: int, project_public_id, choice: str, value: str, now: float | None = None) -> str:
    """The hidden field's value for `value`, chosen as `choice` ("current", "new", "generate")."""
    payload = json.dumps({"choice": choice, "value": value, "at": int(now or time.time())})
    blob, key_id = keyring.encrypt(payload.encode(), _context(user_id, project_public_id))
    return key_id + "." + base64.urlsafe_b64encode(blob).decode("ascii")


def unseal(
    user_id: int, project_public_id, sealed: str, now: float | None = None
) -> tuple[str, str]:
    """(choice, passphrase) from a value made by `seal` for this person and project."""
    key_id, _, encoded = sealed.partition(".")
    try:
        blob = base64.urlsafe_b64decode(encoded.encode("ascii"))
        payload = json.loads(keyring.decrypt(blob, key_id, _context(user_id, project_public_id)))
        choice, value, at = payload["choice"], payload["value"], int(payload["at"])
    except (MasterKeyError, ValueError, KeyError, TypeError, UnicodeError) as e:
        raise SealError("not a passphrase sealed for this person and project") from e
    if (now or time.time()) - at > LIFETIME_SECONDS:
        raise SealError("expired")
    return choice, value
