"""The one table of credential types. Everything else derives from it.

The model's choices, the dialog's type radios and their help, which types ask
for a passphrase (and so the dialog's steps), what the service makes, what
the result step shows and what its "Download all" file holds, and the
create_access command's --type all read `CREDENTIAL_TYPES`. Adding a type is
one entry here plus a migration for the model's choices.

Plain Python, no Django: the service layer and the models both import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResultItem:
    """One value of the result step and of the downloaded file."""

    label: str
    # The attribute of access_create.CreatedAccess that holds the value.
    attribute: str
    # Shown masked until revealed.
    secret: bool = False


@dataclass(frozen=True)
class CredentialType:
    # Stored on the key and posted by the dialog ("access_grant").
    value: str
    # The enum member name on AccessKey.Type ("ACCESS_GRANT").
    constant: str
    label: str
    # The name in the create_access command and the API ("access-grant").
    command_name: str
    # The help under the radio in the dialog.
    description: str
    # Whether the access carries an encryption key derived from a passphrase.
    encrypts: bool
    # The {type} part of the downloaded file's name, as Storj's console writes it.
    download_label: str
    # What the result shows and "Download all" holds, in order.
    result: tuple[ResultItem, ...]
    # Whether an S3 record is registered (the auth service's lookup).
    registers_s3: bool = False
    # Whether "Download all" writes the bare value(s), without labels.
    bare_download: bool = False


CREDENTIAL_TYPES: tuple[CredentialType, ...] = (
    CredentialType(
        value="s3",
        constant="S3_CREDENTIALS",
        label="S3 Credentials",
        command_name="s3",
        description="Access key, secret key and endpoint for S3-compatible tools.",
        encrypts=True,
        download_label="S3-Credentials",
        result=(
            ResultItem("Access Key", "s3_access_key"),
            ResultItem("Secret Key", "s3_secret_key", secret=True),
            ResultItem("Endpoint", "s3_endpoint"),
        ),
        registers_s3=True,
    ),
    CredentialType(
        value="access_grant",
        constant="ACCESS_GRANT",
        label="Access Grant",
        command_name="access-grant",
        description="A single serialized access for uplink and the native libraries.",
        encrypts=True,
        download_label="Access-Grant",
        result=(ResultItem("Access Grant", "access_grant", secret=True),),
        # Storj's AccessCreatedStep.vue writes the bare grant, so that
        # `uplink access import NAME FILE` reads the file as it is.
        bare_download=True,
    ),
    CredentialType(
        value="api_key",
        constant="API_KEY",
        label="API Key",
        command_name="api-key",
        description="A restricted API key for the satellite, without encryption.",
        encrypts=False,
        download_label="API-Key",
        result=(
            ResultItem("Satellite Address", "satellite_address"),
            ResultItem("API Key", "api_key", secret=True),
        ),
    ),
)

BY_VALUE: dict[str, CredentialType] = {t.value: t for t in CREDENTIAL_TYPES}
BY_COMMAND_NAME: dict[str, CredentialType] = {t.command_name: t for t in CREDENTIAL_TYPES}
# The downloadable file that holds a generated passphrase, lower case as in Storj's console.
PASSPHRASE_DOWNLOAD_LABEL = "passphrase"
# The "Download all" file of several keys rotated at once, of any types.
SEVERAL_KEYS_DOWNLOAD_LABEL = "Access-Keys"
