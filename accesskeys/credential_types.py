"""The one table of credential types. Everything else derives from it.

The model's choices, the dialog's type radios and their help, which types ask
for a passphrase (and so the dialog's steps), what the service makes, what
the result step shows, what its "Download all" file holds and which "Download
for" files go with it, the Name step's note on the type, what a key's details
say of path encryption and "Last used", and the create_access command's --type
all read `CREDENTIAL_TYPES`. Adding a type is one entry here, its tool files'
function in services/download.py, and a migration for the model's choices.

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
    # The services/download.py function that writes its "Download for" files, from
    # the access's name and the values of `result`, in that order.
    tool_files: str
    # Whether an S3 record is registered (the auth service's lookup, which records
    # when the key was last used).
    registers_s3: bool = False
    # Whether "Download all" writes the bare value(s), without labels.
    bare_download: bool = False
    # The Name step's note while the type is chosen (empty: none): a bold lead, the
    # text, and the text for Automatic projects (the server keeps the passphrase)
    # when it differs.
    note_lead: str = ""
    note: str = ""
    note_when_managed: str = ""

    def note_for(self, managed: bool) -> str:
        return (self.note_when_managed if managed else "") or self.note


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
        tool_files="s3_tool_files",
        registers_s3=True,
        note_lead="S3 credentials mean server-side encryption:",
        note="the gateway receives this access with its encryption key (stored encrypted, "
        "unlocked by your access key) and encrypts and decrypts your data on its servers. "
        "For end-to-end encryption, where only your own devices see the data, choose "
        "Access Grant.",
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
        tool_files="access_grant_tool_files",
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
        tool_files="api_key_tool_files",
        # Storj's console hides API Key in Automatic projects. We keep offering it, as
        # the spec, the API and create_access do in every project, and say what it
        # means in each passphrase mode.
        note="An API key carries no encryption key: the tool that uses it (e.g. uplink) "
        "asks for a passphrase. Give it this project's passphrase to read the data "
        "other access keys wrote.",
        note_when_managed="An API key carries no encryption key, and this project's "
        "passphrase is kept by the server and never shown. Data you write through an API "
        "key with a passphrase of your own cannot be read with this project's other access "
        "keys, nor theirs with it: it suits scripts that manage buckets and keys. For data, "
        "choose S3 Credentials or Access Grant.",
    ),
)

BY_VALUE: dict[str, CredentialType] = {t.value: t for t in CREDENTIAL_TYPES}
BY_COMMAND_NAME: dict[str, CredentialType] = {t.command_name: t for t in CREDENTIAL_TYPES}
# The downloadable file that holds a generated passphrase, lower case as in Storj's console.
PASSPHRASE_DOWNLOAD_LABEL = "passphrase"
# The "Download all" file of several keys rotated at once, of any types.
SEVERAL_KEYS_DOWNLOAD_LABEL = "Access-Keys"
