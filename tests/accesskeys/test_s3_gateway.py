"""The test gateway (tests/helpers/s3_gateway.py) itself: it must refuse what S3 refuses,
or the tool tests that rely on it would prove nothing.

Requests are signed by botocore here; the gateway's checking is its own code,
written from AWS's documentation, and is held to AWS's published example of a
chunked upload below.
"""

import hashlib
import urllib.error
import urllib.request
from email.message import Message

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from accesskeys.services.access_create import CreateAccessRequest, create_access
from accesskeys.services.access_delete import delete_accesses
from tests.helpers import s3_gateway
from tests.helpers.s3_gateway import S3Error, Signed

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def issue_s3(project, admin, name="gateway-check"):
    return create_access(
        project, admin, CreateAccessRequest(name=name, type="s3", passphrase="a passphrase")
    )


def client(gateway, access_key, secret_key, **config):
    return boto3.client(
        "s3",
        endpoint_url=gateway.url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name="us-east-1",
        config=Config(proxies={}, retries={"max_attempts": 1}, **config),
    )


def error_code(call) -> tuple[int, str]:
    with pytest.raises(ClientError) as caught:
        call()
    answer = caught.value.response
    return answer["ResponseMetadata"]["HTTPStatusCode"], answer["Error"]["Code"]


def test_it_serves_a_signed_request_and_records_the_key(project, admin, s3_gateway):
    created = issue_s3(project, admin)
    s3 = client(s3_gateway, created.s3_access_key, created.s3_secret_key)

    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.put_object(Bucket="photos", Key="a/b.txt", Body=b"hello")
    body = s3.get_object(Bucket="photos", Key="a/b.txt")["Body"].read()
    listed = s3.list_objects_v2(Bucket="photos", Prefix="a/")
    s3.delete_object(Bucket="photos", Key="a/b.txt")

    assert names == ["backups", "logs", "photos"]
    assert body == b"hello"
    assert [o["Key"] for o in listed["Contents"]] == ["a/b.txt"]
    assert s3_gateway.buckets["photos"] == {}
    assert [(s.method, s.path) for s in s3_gateway.seen] == [
        ("GET", "/"),
        ("PUT", "/photos/a/b.txt"),
        ("GET", "/photos/a/b.txt"),
        ("GET", "/photos"),
        ("DELETE", "/photos/a/b.txt"),
    ]
    assert {(s.key_id, s.verdict, s.host) for s in s3_gateway.seen} == {
        (created.s3_access_key, "verified", s3_gateway.host)
    }


def test_it_refuses_a_wrong_secret(project, admin, s3_gateway):
    created = issue_s3(project, admin)
    wrong = created.s3_secret_key[:-1] + ("a" if created.s3_secret_key[-1] != "a" else "b")
    s3 = client(s3_gateway, created.s3_access_key, wrong)

    assert error_code(s3.list_buckets) == (403, "SignatureDoesNotMatch")
    (seen,) = s3_gateway.seen
    assert (seen.key_id, seen.verdict, seen.status) == (
        created.s3_access_key,
        "bad signature",
        403,
    )


def test_it_refuses_an_unknown_key(project, admin, s3_gateway):
    created = issue_s3(project, admin)
    # A well-formed key ID the console never issued: another key's, one letter changed.
    unknown = created.s3_access_key[:-2] + ("aa" if created.s3_access_key[-2:] != "aa" else "bb")
    s3 = client(s3_gateway, unknown, created.s3_secret_key)

    assert error_code(s3.list_buckets) == (403, "InvalidAccessKeyId")
    assert s3_gateway.seen[0].verdict == "unknown key"


def test_it_refuses_a_deleted_key_on_the_next_request(project, admin, s3_gateway):
    created = issue_s3(project, admin)
    s3 = client(s3_gateway, created.s3_access_key, created.s3_secret_key)
    s3.list_buckets()

    delete_accesses(project, admin, [created.key.id])

    assert error_code(s3.list_buckets) == (403, "InvalidAccessKeyId")
    assert [s.verdict for s in s3_gateway.seen] == ["verified", "unknown key"]


def test_it_refuses_an_unsigned_request(s3_gateway):
    with pytest.raises(urllib.error.HTTPError) as caught:
        NO_PROXY.open(f"{s3_gateway.url}/photos?list-type=2", timeout=10)
    assert caught.value.code == 403
    assert b"<Code>AccessDenied</Code>" in caught.value.read()


def test_it_refuses_a_body_that_is_not_the_one_signed(project, admin, s3_gateway):
    created = issue_s3(project, admin)
    s3 = client(s3_gateway, created.s3_access_key, created.s3_secret_key)

    def tamper(request, **kwargs):
        request.body = b"not what was signed"
        request.headers["Content-Length"] = str(len(request.body))

    s3.meta.events.register("before-send.s3.PutObject", tamper)
    status, code = error_code(lambda: s3.put_object(Bucket="photos", Key="k", Body=b"signed"))
    assert (status, code) == (400, "XAmzContentSHA256Mismatch")
    assert s3_gateway.buckets["photos"] == {}


def test_it_serves_and_checks_presigned_urls(project, admin, s3_gateway):
    created = issue_s3(project, admin)
    s3 = client(s3_gateway, created.s3_access_key, created.s3_secret_key, signature_version="s3v4")
    s3.put_object(Bucket="photos", Key="shared.txt", Body=b"shared")

    url = s3.generate_presigned_url("get_object", {"Bucket": "photos", "Key": "shared.txt"})
    assert "X-Amz-Signature=" in url
    with NO_PROXY.open(url, timeout=10) as response:
        assert response.read() == b"shared"
    assert s3_gateway.seen[-1].verdict == "verified"

    for tampered in (
        url.replace("shared.txt", "other.txt"),  # another object, same signature
        url.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200"),  # a longer life
    ):
        with pytest.raises(urllib.error.HTTPError) as caught:
            NO_PROXY.open(tampered, timeout=10)
        assert caught.value.code == 403
        assert b"<Code>SignatureDoesNotMatch</Code>" in caught.value.read()

    put_url = s3.generate_presigned_url(
        "put_object", {"Bucket": "photos", "Key": "up.txt"}, ExpiresIn=60
    )
    request = urllib.request.Request(put_url, data=b"uploaded", method="PUT")
    with NO_PROXY.open(request, timeout=10) as response:
        assert response.status == 200
    assert s3_gateway.buckets["photos"]["up.txt"].body == b"uploaded"


def test_it_refuses_an_expired_presigned_url(project, admin, s3_gateway):
    created = issue_s3(project, admin)
    s3 = client(s3_gateway, created.s3_access_key, created.s3_secret_key, signature_version="s3v4")
    url = s3.generate_presigned_url("list_buckets", ExpiresIn=0)
    with pytest.raises(urllib.error.HTTPError) as caught:
        NO_PROXY.open(url, timeout=10)
    assert caught.value.code == 403
    assert b"Request has expired" in caught.value.read()


# AWS's published example of a chunked upload ("Signature Calculations for the
# Authorization Header: Transferring Payload in Multiple Chunks"): 66560 bytes
# of "a" as chunks of 65536, 1024 and 0 bytes.
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
EXAMPLE_SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
EXAMPLE_CHUNKS = [
    (65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"),
    (1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"),
    (0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"),
]
EXAMPLE_HEADERS = {
    "Host": "s3.amazonaws.com",
    "x-amz-date": "20130524T000000Z",
    "x-amz-storage-class": "REDUCED_REDUNDANCY",
    "x-amz-content-sha256": s3_gateway.STREAMING,
    "Content-Encoding": "aws-chunked",
    "x-amz-decoded-content-length": "66560",
    "Content-Length": "66824",
}


def example_signed() -> Signed:
    return Signed(
        key_id="AKIAIOSFODNN7EXAMPLE",
        date="20130524",
        region="us-east-1",
        service="s3",
        amz_date="20130524T000000Z",
        signed_headers=sorted(name.lower() for name in EXAMPLE_HEADERS),
        signature=EXAMPLE_SEED,
        payload_hash=s3_gateway.STREAMING,
        presigned=False,
    )


def example_body(corrupt: bool = False) -> bytes:
    body = b""
    for size, signature in EXAMPLE_CHUNKS:
        data = bytearray(b"a" * size)
        if corrupt and size == 1024:
            data[10:11] = b"b"
        body += f"{size:x};chunk-signature={signature}\r\n".encode() + bytes(data) + b"\r\n"
    return body


def test_it_checks_a_chunked_upload_as_aws_documents_it():
    headers = Message()
    for name, value in EXAMPLE_HEADERS.items():
        headers[name] = value
    seed = s3_gateway.expected_signature(
        EXAMPLE_SECRET, example_signed(), "PUT", "/examplebucket/chunkObject.txt", "", headers
    )
    assert seed == EXAMPLE_SEED
    assert len(example_body()) == 66824

    payload = s3_gateway.decode_signed_chunks(example_body(), EXAMPLE_SECRET, example_signed())
    assert payload == b"a" * 66560

    with pytest.raises(S3Error) as caught:
        s3_gateway.decode_signed_chunks(
            example_body(corrupt=True), EXAMPLE_SECRET, example_signed()
        )
    assert caught.value.code == "SignatureDoesNotMatch"


def chunked_upload(gateway, access_key, secret_key, key, chunks, resign=None):
    """A STREAMING-AWS4-HMAC-SHA256-PAYLOAD PutObject: seed signed by botocore, chunks
    signed here per AWS's documentation with botocore's signing key."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    class StreamingAuth(S3SigV4Auth):
        def payload(self, request):
            return s3_gateway.STREAMING

    decoded = sum(len(c) for c in chunks)
    framed_length = sum(len(f"{len(c):x};chunk-signature=") + 64 + 4 + len(c) for c in chunks)
    framed_length += len("0;chunk-signature=") + 64 + 4
    request = AWSRequest(
        method="PUT",
        url=f"{gateway.url}/photos/{key}",
        headers={
            "Content-Encoding": "aws-chunked",
            "x-amz-decoded-content-length": str(decoded),
            "Content-Length": str(framed_length),
        },
    )
    auth = StreamingAuth(Credentials(access_key, secret_key), "s3", "us-east-1")
    auth.add_auth(request)
    amz_date = request.context["timestamp"]
    scope = auth.credential_scope(request)
    previous = request.headers["Authorization"].rsplit("Signature=", 1)[1]
    body = b""
    for chunk in [*chunks, b""]:
        sts = s3_gateway.chunk_string_to_sign(amz_date, scope, previous, chunk)
        signature = auth.signature(sts, request)
        if resign is not None and chunk:
            signature = resign(signature)
        body += f"{len(chunk):x};chunk-signature={signature}\r\n".encode() + chunk + b"\r\n"
        previous = signature
    prepared = request.prepare()
    sent = urllib.request.Request(
        prepared.url, data=body, method="PUT", headers=dict(prepared.headers.items())
    )
    try:
        with NO_PROXY.open(sent, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_it_stores_a_chunked_upload_with_every_chunk_signed(project, admin, s3_gateway):
    created = issue_s3(project, admin)
    chunks = [b"x" * 8192, b"y" * 100]
    status, answer = chunked_upload(
        s3_gateway, created.s3_access_key, created.s3_secret_key, "chunked.bin", chunks
    )
    assert status == 200, answer
    assert s3_gateway.seen[-1].payload == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    stored = s3_gateway.buckets["photos"]["chunked.bin"]
    assert stored.body == b"".join(chunks)
    assert stored.etag == hashlib.md5(b"".join(chunks)).hexdigest()  # noqa: S324
    assert s3_gateway.seen[-1].verdict == "verified"


def test_it_refuses_a_chunked_upload_with_a_forged_chunk(project, admin, s3_gateway):
    created = issue_s3(project, admin)
    status, body = chunked_upload(
        s3_gateway,
        created.s3_access_key,
        created.s3_secret_key,
        "forged.bin",
        [b"x" * 8192],
        resign=lambda signature: "0" * 64,
    )
    assert status == 403 and b"SignatureDoesNotMatch" in body
    assert "forged.bin" not in s3_gateway.buckets["photos"]
    assert s3_gateway.seen[-1].verdict == "bad signature"


def test_it_refuses_and_records_what_a_tool_sends_anywhere_else(s3_gateway):
    # The gateway is the tools' proxy: another host is refused and recorded, and
    # nothing is forwarded anywhere.
    through = urllib.request.build_opener(urllib.request.ProxyHandler({"http": s3_gateway.url}))
    with pytest.raises(urllib.error.HTTPError) as caught:
        through.open("http://s3.amazonaws.com/photos?list-type=2", timeout=10)
    assert caught.value.code == 403
    assert s3_gateway.caught == ["GET http://s3.amazonaws.com/photos?list-type=2"]
    assert s3_gateway.seen == []


def test_it_serves_virtual_hosted_requests_for_its_own_name(project, admin, s3_gateway):
    # rclone addresses Storj buckets as BUCKET.<endpoint host>; no resolver knows
    # that name for 127.0.0.1, so the request comes through the gateway as proxy.
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    created = issue_s3(project, admin)
    request = AWSRequest(method="PUT", url=f"http://logs.{s3_gateway.host}/v.txt", data=b"virtual")
    credentials = Credentials(created.s3_access_key, created.s3_secret_key)
    S3SigV4Auth(credentials, "s3", "us-east-1").add_auth(request)
    prepared = request.prepare()
    through = urllib.request.build_opener(urllib.request.ProxyHandler({"http": s3_gateway.url}))
    sent = urllib.request.Request(
        prepared.url, data=b"virtual", method="PUT", headers=dict(prepared.headers.items())
    )
    with through.open(sent, timeout=10) as response:
        assert response.status == 200

    assert s3_gateway.buckets["logs"]["v.txt"].body == b"virtual"
    (seen,) = s3_gateway.seen
    assert (seen.host, seen.bucket, seen.key, seen.verdict) == (
        f"logs.{s3_gateway.host}",
        "logs",
        "v.txt",
        "verified",
    )
    assert s3_gateway.caught == []
