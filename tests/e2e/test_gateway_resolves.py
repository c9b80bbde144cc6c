"""Playing gateway-mt's part against the running console.

S3 credentials are made in the browser; then a real HTTP client does what
storj/edge's gateway does (pkg/authclient/authclient.go, Resolve): read the
access key ID from a request an S3 client signed, GET
{base}/v1/access/{id} with the bearer token, and check the request's AWS
Signature Version 4 with the secret key the auth service returned.

The request is signed by botocore (boto3's signer). The check is independent
of it: the signing key and signature are derived here, per AWS's published
algorithm, from botocore's canonical request and the returned secret, and
botocore's own signer is run again with that secret as a second opinion.
The product contains no SigV4 code: the gateway does the checking.
"""

import hashlib
import hmac
import json
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from playwright.sync_api import expect

from accesskeys.models import AccessKey
from storjformat import grant, macaroon
from tests.helpers.browser import sign_in
from tests.helpers.factories import PASSWORD

pytestmark = pytest.mark.e2e

TOKEN = "gateway-test-token-0123456789"
PASSPHRASE = "gateway test passphrase"
REGION = "us-east-1"


def create_s3_credentials_in_the_browser(page, live_server, project, user, name):
    sign_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    page.locator(".page-header").get_by_role("button", name="New Access Key").click()
    dialog = page.get_by_role("dialog", name="New Access")
    dialog.get_by_label("Name", exact=True).fill(name)
    dialog.get_by_label("S3 Credentials", exact=True).check()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_role("heading", name="Access", exact=True)).to_be_visible()
    dialog.get_by_label("Full Access").check()
    dialog.get_by_role("button", name="Next").click()
    expect(dialog.get_by_label("Use the current passphrase")).to_be_checked()
    dialog.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    dialog.get_by_role("button", name="Create Access").click()
    expect(dialog.get_by_label("Secret Key")).to_be_visible()
    access_key = dialog.get_by_label("Access Key").input_value()
    secret_key = dialog.get_by_label("Secret Key").input_value()
    dialog.get_by_role("button", name="Done").click()
    return access_key, secret_key


def auth_service_get(base_url: str, access_key_id: str, token: str = TOKEN):
    """authclient.Resolve: GET {base}/v1/access/{id} with the bearer token."""
    request = urllib.request.Request(
        f"{base_url}/v1/access/{access_key_id}",
        headers={"Authorization": f"Bearer {token}", "Forwarded": "for=203.0.113.7"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def signed_by_boto(access_key: str, secret_key: str) -> AWSRequest:
    """A ListObjectsV2 request as boto3 signs it for a gateway."""
    request = AWSRequest(
        method="GET",
        url="https://gateway.example.com/photos?list-type=2&prefix=2026%2F",
        headers={"Host": "gateway.example.com"},
    )
    SigV4Auth(Credentials(access_key, secret_key), "s3", REGION).add_auth(request)
    return request


AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<scope>[^,]+), "
    r"SignedHeaders=(?P<headers>[^,]+), Signature=(?P<signature>[0-9a-f]{64})"
)


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signature_from_spec(canonical_request: str, amz_date: str, scope: str, secret: str) -> str:
    """AWS SigV4 (docs.aws.amazon.com, "Create a signed AWS API request"), step by step."""
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            amz_date,
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    date, region, service, terminal = scope.split("/")
    key = _hmac(("AWS4" + secret).encode(), date)
    for part in (region, service, terminal):
        key = _hmac(key, part)
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def canonical_request(request: AWSRequest, signed_headers: str) -> str:
    """The canonical request as the receiving gateway rebuilds it from what arrived."""
    url = urlsplit(request.url)
    query = sorted(
        (quote(name, safe="-_.~"), quote(value, safe="-_.~"))
        for name, value in parse_qsl(url.query, keep_blank_values=True)
    )
    headers = {name.lower(): value.strip() for name, value in request.headers.items()}
    names = signed_headers.split(";")
    return "\n".join(
        [
            request.method,
            url.path or "/",
            "&".join(f"{name}={value}" for name, value in query),
            "".join(f"{name}:{headers[name]}\n" for name in names),
            signed_headers,
            headers.get("x-amz-content-sha256", hashlib.sha256(request.body or b"").hexdigest()),
        ]
    )


def gateway_verifies(request: AWSRequest, base_url: str) -> bool:
    """What the gateway does with a signed request: resolve the key, recompute, compare."""
    parts = AUTHORIZATION.fullmatch(request.headers["Authorization"]).groupdict()
    status, body = auth_service_get(base_url, parts["key"])
    assert status == 200, body
    secret = body["secret_key"]
    amz_date = request.headers["X-Amz-Date"]

    canonical = canonical_request(request, parts["headers"])
    by_spec = signature_from_spec(canonical, amz_date, parts["scope"], secret)

    # botocore as a second opinion: its signer, the returned secret, the request's moment.
    again = AWSRequest(
        method=request.method,
        url=request.url,
        headers={"Host": request.headers["Host"], "X-Amz-Date": amz_date},
    )
    again.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(parts["key"], secret), "s3", REGION)
    by_botocore = signer.signature(
        signer.string_to_sign(again, signer.canonical_request(again)), again
    )

    return hmac.compare_digest(by_spec, parts["signature"]) and hmac.compare_digest(
        by_botocore, parts["signature"]
    )


def test_a_gateway_resolves_browser_made_credentials_and_checks_a_signature(
    page, live_server, project, admin, settings, screenshot
):
    settings.AUTH_SERVICE_TOKENS = [TOKEN]
    access_key, secret_key = create_s3_credentials_in_the_browser(
        page, live_server, project, admin, "gateway-key"
    )

    status, body = auth_service_get(live_server.url, access_key)
    assert status == 200
    assert body["secret_key"] == secret_key
    assert body["public"] is False
    assert body["public_project_id"] == str(project.public_id)
    key = AccessKey.objects.get(name="gateway-key")
    # The grant carries this key's macaroon and the console's satellite.
    scope = grant.parse_grant(body["access_grant"])
    assert macaroon.parse(scope.api_key).head == bytes(key.head)
    assert scope.satellite_addr == settings.SATELLITE_ADDRESS

    request = signed_by_boto(access_key, secret_key)
    assert gateway_verifies(request, live_server.url)
    # A request signed with any other secret does not verify.
    forged = signed_by_boto(access_key, secret_key[:-1] + ("a" if secret_key[-1] != "a" else "b"))
    assert not gateway_verifies(forged, live_server.url)

    # The resolution was recorded, and the list shows it.
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert (datetime.now(UTC) - key.last_used_at).total_seconds() < 60
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    row = page.get_by_role("row").filter(has_text="gateway-key")
    expect(row.locator('[data-label="Last used"] time')).to_be_visible()
    screenshot("gateway-access-keys-last-used")
    row.get_by_role("link", name="gateway-key").click()
    expect(page.get_by_text("Last used")).to_be_visible()
    screenshot("gateway-key-details-last-used")
    page.goto(f"{live_server.url}/projects/{project.public_id}/audit/?unused=on")
    expect(page.get_by_label("Not used in 90 days")).to_be_checked()
    screenshot("gateway-audit-not-used")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    screenshot("gateway-access-keys-last-used-390")
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"{live_server.url}/projects/{project.public_id}/access-keys/")
    row = page.get_by_role("row").filter(has_text="gateway-key")

    # A wrong token, and a deleted key, are refused as edge refuses them.
    assert auth_service_get(live_server.url, access_key, token="not-the-token-0123456")[0] == 401
    page.get_by_role("button", name="Actions for gateway-key").click()
    page.get_by_role("menuitem", name="Delete").click()
    page.get_by_role("dialog", name="Delete access key").get_by_role(
        "button", name="Delete"
    ).click()
    expect(page.get_by_role("status")).to_have_text("Deleted the access key “gateway-key”.")
    status, body = auth_service_get(live_server.url, access_key)
    assert status == 401 and body.startswith("not found: key hash: ")
