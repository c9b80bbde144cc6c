"""Turning two-factor on for a test user, and the codes their app would show."""

from django_otp.oath import totp

from console import two_factor
from console.models import EncryptedTOTPDevice


def app_code(device: EncryptedTOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps on:
    django-otp refuses a code whose step was already used, and accepts one step of drift)."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, drift=steps_ahead)
    return f"{value:0{device.digits}d}"


def turn_on(user) -> tuple[EncryptedTOTPDevice, list[str]]:
    """Two-factor on, as after setup: the app's device and the recovery codes."""
    device = two_factor.unconfirmed_app(user)
    codes = two_factor.confirm(device, app_code(device))
    device.refresh_from_db()
    return device, codes
