"""Two-factor sign-in with django-otp: an authenticator app (TOTP) and ten
one-time recovery codes.

A user has two-factor on when they have a confirmed TOTP device. Setting it up
makes an unconfirmed device, whose secret the user copies into their app (the
secret is kept encrypted under the master keys, see EncryptedTOTPDevice); a
correct code confirms it and makes the recovery codes. django-otp refuses a
TOTP code that was already used, deletes a recovery code once used, and slows
down guessing (each wrong code doubles the wait), with its state in the
database so it holds across app processes.

Recovery codes are stored as hashes only (in django-otp's static tokens): they
are 80 random bits, so a plain SHA-256 cannot be reversed by guessing.
"""

import hashlib
import math
import secrets
import time
from base64 import b32encode

import segno
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from console import keyring
from console.models import EncryptedTOTPDevice

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_BYTES = 10  # 80 bits: 16 base32 characters
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# How long the code step of a sign-in waits after a correct password.
PENDING_SIGN_IN_SECONDS = 300
PENDING_SESSION_KEY = "two_factor_pending"


class TwoFactorRequired(Exception):
    """The project requires two-factor sign-in and this session has not had it."""

    def __init__(self, project):
        super().__init__(f"{project} requires two-factor authentication.")
        self.project = project


def has_two_factor(user) -> bool:
    return EncryptedTOTPDevice.objects.filter(user=user, confirmed=True).exists()


def missing_for(project, user) -> bool:
    """Whether `project` requires two-factor and `user` has not turned it on: then
    nothing of theirs may act in the project, their API tokens included."""
    return project.require_two_factor and not has_two_factor(user)


def tokens_paused_message(project) -> str:
    """Why a token of a member without two-factor is refused (the API's 401)."""
    return (
        f"“{project.name}” requires two-factor authentication, and the owner of this token "
        "has not turned it on: the token is paused until they do (account page, "
        "Two-factor authentication)."
    )


def tokens_refused_message(project) -> str:
    """Why a member without two-factor cannot make a token for the project."""
    return (
        f"“{project.name}” requires two-factor authentication. Turn it on from your "
        "account page to make tokens for this project."
    )


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def unconfirmed_app(user) -> EncryptedTOTPDevice:
    """The device being set up: the same one (and secret) until it is confirmed."""
    device = EncryptedTOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = EncryptedTOTPDevice(user=user, name=APP_DEVICE_NAME, confirmed=False)
        device.set_secret(keyring.generate_totp_secret())
        device.save()
    return device


def secret_text(device: EncryptedTOTPDevice) -> str:
    """The secret as authenticator apps take it when typed: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no image request, no inline style)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, title="QR code", omitsize=True)


def normalize(code: str) -> str:
    """Codes are compared without spaces or dashes, recovery codes in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def recovery_code_hash(code: str) -> str:
    """What is stored for a recovery code: 80 bits of its SHA-256, in base32
    (django-otp's static tokens hold 16 characters)."""
    digest = hashlib.sha256(b"recovery-code:" + normalize(code).encode()).digest()
    return b32encode(digest[:10]).decode().lower()


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ten new ones, returned to show once
    (as xxxx-xxxx-xxxx-xxxx); only their hashes are kept."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = b32encode(secrets.token_bytes(RECOVERY_CODE_BYTES)).decode().lower()
        codes.append("-".join(raw[i : i + 4] for i in range(0, len(raw), 4)))
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_hash(code)) for code in codes
    )
    return codes


def confirm(device: EncryptedTOTPDevice, code: str) -> list[str] | None:
    """Turn two-factor on when the code matches the device being set up; the
    recovery codes to show once, or None for a wrong code."""
    with transaction.atomic():
        device = EncryptedTOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(normalize(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Any other half-set-up device of the user goes.
        EncryptedTOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        return new_recovery_codes(device.user)


def verify(user, code: str):
    """The device that accepts the code (the app's current code or an unused
    recovery code, which is used up), or None."""
    code = normalize(code)
    if not code:
        return None
    # Six digits are the app's code; anything else can only be a recovery code.
    if code.isdigit() and len(code) == 6:
        model, token = EncryptedTOTPDevice, code
    else:
        model, token = StaticDevice, recovery_code_hash(code)
    with transaction.atomic():
        # Locked, so two requests cannot both spend the same code.
        devices = model.objects.select_for_update().filter(user=user, confirmed=True)
        for device in devices:
            if device.verify_token(token):
                return device
    return None


def wait_seconds(user, devices=None) -> int:
    """Seconds until django-otp's throttle lets the user try another code (0: now)."""
    waits = [0]
    for device in devices or devices_for_user(user, confirmed=True):
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            waits.append(math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
    return max(waits)


def wait_message(wait: int) -> str:
    seconds = "a second" if wait == 1 else f"{wait} seconds"
    return f"Too many wrong codes: wait {seconds}, then try again."


def turn_off(user) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def start_pending_sign_in(request, user) -> None:
    """The password was right; remember who is signing in (an id, the auth backend
    that accepted them and a time: no secret) until they give a code."""
    request.session[PENDING_SESSION_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "at": int(time.time()),
    }


def pending_sign_in(request) -> dict | None:
    """The sign-in waiting for its code, or None if there is none or it is too old."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SIGN_IN_SECONDS:
        return None
    return pending


def end_pending_sign_in(request) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)
