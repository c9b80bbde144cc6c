"""A small S3 gateway on loopback that does with our keys what Storj's gateway does.

Test code only, never shipped. For each request it reads the access key ID
from the AWS Signature Version 4 (an Authorization header or a presigned
URL), asks the console's auth service ``GET /v1/access/{id}`` over real HTTP
with a bearer token (as storj/edge's authclient does), and checks the
signature with the secret key the console answers: the canonical request,
string to sign and signing key of AWS's "Signature Version 4" documentation,
written here from that documentation, with no SDK code. Chunked uploads
(``STREAMING-AWS4-HMAC-SHA256-PAYLOAD``) have every chunk's signature checked
against the one before it.

It serves ListBuckets, CreateBucket, HeadBucket, ListObjects (V1 and V2),
PutObject, GetObject (with a byte range), HeadObject and DeleteObject from
memory, and refuses what S3 refuses with S3's error codes (403
``SignatureDoesNotMatch``, ``InvalidAccessKeyId``, ``AccessDenied``...).

Every request is recorded (method, host, path, access key ID, verdict), so a
test can assert that a tool's requests all came here, signed with the key the
console issued. The caveats inside the grant are not enforced: this gateway
proves where credentials take a tool, not what a key allows.

The gateway is also the HTTP proxy a test names in ``HTTP_PROXY`` and
``HTTPS_PROXY`` (loopback excepted): a request for ``BUCKET.<gateway host>``
(virtual-hosted style, which rclone uses for Storj and no resolver could find)
is served as S3 would serve it; any other request through it, to any other
host, is refused and recorded in ``caught``. So a tool that would send keys
anywhere but the gateway fails the test, and nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from xml.sax.saxutils import escape

ALGORITHM = "AWS4-HMAC-SHA256"
STREAMING = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
UNSIGNED = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_SKEW = timedelta(minutes=15)
S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"

_CREDENTIAL = re.compile(r"^([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request$")


class S3Error(Exception):
    """An error answered as S3 answers it: status, code and message."""

    def __init__(self, status: int, code: str, message: str, verdict: str = "refused"):
        super().__init__(message)
        self.status, self.code, self.message, self.verdict = status, code, message, verdict


@dataclass
class Seen:
    """One request as the gateway saw it."""

    method: str
    host: str
    path: str
    query: str
    key_id: str | None = None
    bucket: str = ""
    key: str = ""
    # How the request was signed: "header" or "presigned", and its payload hash
    # (a SHA-256, UNSIGNED-PAYLOAD or STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
    signed_by: str = ""
    payload: str = ""
    verdict: str = "anonymous"  # "verified", "bad signature", "unknown key", ...
    status: int = 0
    code: str | None = None  # the S3 error code answered, if any


@dataclass
class StoredObject:
    body: bytes
    etag: str
    modified: datetime
    content_type: str
    metadata: dict[str, str] = field(default_factory=dict)


# --- AWS Signature Version 4, from AWS's documentation -----------------------


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(("AWS4" + secret).encode("utf-8"), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def uri_encode(text: str, keep_slash: bool = False) -> str:
    """AWS's UriEncode: everything but A-Z a-z 0-9 - _ . ~ (and '/' in a path)."""
    return quote(text, safe="-_.~/" if keep_slash else "-_.~")


def canonical_query(raw_query: str, drop: str | None = None) -> str:
    pairs = [
        (uri_encode(unquote(k)), uri_encode(unquote(v)))
        for k, _, v in (part.partition("=") for part in raw_query.split("&") if part)
        if unquote(k) != drop
    ]
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def canonical_headers(headers, signed: list[str]) -> str:
    lines = []
    for name in signed:
        values = headers.get_all(name) or []
        if not values and name != "host":
            raise S3Error(403, "AccessDenied", f"Signed header {name} is missing.")
        value = ",".join(" ".join(v.split()) for v in values)
        lines.append(f"{name}:{value}\n")
    return "".join(lines)


def string_to_sign(amz_date: str, scope: str, canonical_request: str) -> str:
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


def chunk_string_to_sign(amz_date: str, scope: str, previous: str, chunk: bytes) -> str:
    digest = hashlib.sha256(chunk).hexdigest()
    return f"{ALGORITHM}-PAYLOAD\n{amz_date}\n{scope}\n{previous}\n{EMPTY_SHA256}\n{digest}"


@dataclass
class Signed:
    """What a request's signature says: who, when, for what scope."""

    key_id: str
    date: str
    region: str
    service: str
    amz_date: str
    signed_headers: list[str]
    signature: str
    payload_hash: str
    presigned: bool
    expires: int | None = None

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def _parse_credential(credential: str) -> tuple[str, str, str, str]:
    match = _CREDENTIAL.match(credential)
    if not match:
        raise S3Error(400, "AuthorizationHeaderMalformed", "The credential is malformed.")
    return match.groups()  # type: ignore[return-value]


def read_signature(headers, query: dict[str, str]) -> Signed | None:
    """The SigV4 fields of a request, from its Authorization header or its URL."""
    auth = headers.get("Authorization")
    if auth:
        if not auth.startswith(ALGORITHM + " "):
            raise S3Error(400, "InvalidArgument", "Only AWS4-HMAC-SHA256 is supported.")
        fields = dict(part.strip().split("=", 1) for part in auth[len(ALGORITHM) + 1 :].split(","))
        try:
            key_id, date, region, service = _parse_credential(fields["Credential"])
            signed_headers, signature = fields["SignedHeaders"], fields["Signature"]
        except KeyError:
            raise S3Error(400, "AuthorizationHeaderMalformed", "Missing fields.") from None
        payload = headers.get("x-amz-content-sha256")
        if not payload:
            raise S3Error(
                400,
                "InvalidRequest",
                "Missing required header for this request: x-amz-content-sha256",
            )
        amz_date = headers.get("x-amz-date") or ""
        return Signed(
            key_id, date, region, service, amz_date, signed_headers.split(";"), signature,
            payload, presigned=False,
        )  # fmt: skip
    if "X-Amz-Signature" in query:
        if query.get("X-Amz-Algorithm") != ALGORITHM:
            raise S3Error(400, "InvalidArgument", "Only AWS4-HMAC-SHA256 is supported.")
        key_id, date, region, service = _parse_credential(query.get("X-Amz-Credential", ""))
        return Signed(
            key_id, date, region, service, query.get("X-Amz-Date", ""),
            query.get("X-Amz-SignedHeaders", "").split(";"), query["X-Amz-Signature"],
            query.get("X-Amz-Content-Sha256", UNSIGNED), presigned=True,
            expires=int(query.get("X-Amz-Expires", "0") or 0),
        )  # fmt: skip
    return None


def expected_signature(
    secret: str, signed: Signed, method: str, raw_path: str, raw_query: str, headers
) -> str:
    canonical_request = "\n".join(
        [
            method,
            uri_encode(unquote(raw_path), keep_slash=True),
            canonical_query(raw_query, drop="X-Amz-Signature" if signed.presigned else None),
            canonical_headers(headers, signed.signed_headers),
            ";".join(signed.signed_headers),
            signed.payload_hash,
        ]
    )
    key = signing_key(secret, signed.date, signed.region, signed.service)
    sts = string_to_sign(signed.amz_date, signed.scope, canonical_request)
    return hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()


def decode_signed_chunks(body: bytes, secret: str, signed: Signed) -> bytes:
    """The payload of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body, every chunk verified."""
    key = signing_key(secret, signed.date, signed.region, signed.service)
    previous, out, pos = signed.signature, bytearray(), 0
    while True:
        end = body.find(b"\r\n", pos)
        if end < 0:
            raise S3Error(400, "IncompleteBody", "A chunk header is cut short.")
        size_text, _, params = body[pos:end].decode("ascii", "replace").partition(";")
        name, _, chunk_signature = params.partition("=")
        if name != "chunk-signature":
            raise S3Error(400, "InvalidRequest", "A chunk carries no chunk-signature.")
        size = int(size_text, 16)
        chunk = body[end + 2 : end + 2 + size]
        if len(chunk) != size or body[end + 2 + size : end + 4 + size] != b"\r\n":
            raise S3Error(400, "IncompleteBody", "A chunk is shorter than its header says.")
        sts = chunk_string_to_sign(signed.amz_date, signed.scope, previous, chunk)
        wanted = hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(wanted, chunk_signature):
            raise S3Error(
                403, "SignatureDoesNotMatch", "A chunk's signature does not match.", "bad signature"
            )
        out += chunk
        previous, pos = chunk_signature, end + 4 + size
        if size == 0:
            return bytes(out)


# --- the auth service client (storj/edge pkg/authclient) ----------------------


class AuthService:
    """Resolves access key IDs through the console, over HTTP, with a bearer token."""

    def __init__(self, base_url: str, token: str):
        self.base_url, self.token = base_url.rstrip("/"), token
        # Never through a proxy: the console is on loopback.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def secret_for(self, key_id: str) -> str:
        request = urllib.request.Request(
            f"{self.base_url}/v1/access/{quote(key_id, safe='')}",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        try:
            with self._opener.open(request, timeout=20) as response:
                return json.loads(response.read())["secret_key"]
        except urllib.error.HTTPError as error:
            # authclient passes the status on: 400 and 401 "not found" mean no such key.
            if error.code in (400, 401) and b"unauthorized" not in error.read():
                raise S3Error(
                    403,
                    "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.",
                    "unknown key",
                ) from None
            raise S3Error(500, "InternalError", f"auth service answered {error.code}") from None


# --- the S3 server -----------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - quiet: tests read `seen`
        pass

    def do_GET(self):
        self._serve()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_GET

    # -- plumbing

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amz-request-id", "0")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, error: S3Error, path: str):
        body = _xml(
            f"<Error><Code>{error.code}</Code><Message>{escape(error.message)}</Message>"
            f"<Resource>{escape(path)}</Resource><RequestId>0</RequestId></Error>"
        )
        self._answer(error.status, body, {"Content-Type": "application/xml"})

    # -- the request

    def do_CONNECT(self):
        self._refuse_elsewhere()

    def _refuse_elsewhere(self):
        # CONNECT host:443 (HTTPS through a proxy) or GET http://host/... (HTTP).
        self.server.gateway.caught.append(f"{self.command} {self.path}")
        self.close_connection = True
        self._answer(403, b"Caught by the test: this request was meant for the gateway.\n")

    def _serve(self):
        split = urlsplit(self.path)
        # Sent through the proxy: served for one of our virtual hosts only.
        if split.scheme and not self.server.gateway.is_own_host(split.netloc):
            return self._refuse_elsewhere()
        raw_path, raw_query = split.path or "/", split.query
        seen = Seen(self.command, self.headers.get("Host", ""), unquote(raw_path), raw_query)
        self.server.gateway.seen.append(seen)
        body = b""
        try:
            body = self._read_body()
            payload = self._authenticate(seen, raw_path, raw_query, body)
            self._operate(seen, unquote(raw_path), raw_query, payload)
        except S3Error as error:
            seen.status, seen.code = error.status, error.code
            if seen.verdict in ("anonymous", "resolved"):
                seen.verdict = error.verdict if error.verdict != "refused" else seen.verdict
            self._error(error, unquote(raw_path))

    def _authenticate(self, seen: Seen, raw_path: str, raw_query: str, body: bytes) -> bytes:
        query = dict(parse_qsl(raw_query, keep_blank_values=True))
        signed = read_signature(self.headers, query)
        if signed is None:
            raise S3Error(403, "AccessDenied", "Access Denied")
        seen.key_id = signed.key_id
        seen.signed_by = "presigned" if signed.presigned else "header"
        seen.payload = signed.payload_hash
        when = datetime.strptime(signed.amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        now = datetime.now(UTC)
        if signed.presigned:
            if now > when + timedelta(seconds=signed.expires or 0):
                raise S3Error(403, "AccessDenied", "Request has expired", "expired")
        elif abs(now - when) > MAX_SKEW:
            raise S3Error(403, "RequestTimeTooSkewed", "The difference is too large.", "skewed")
        secret = self.server.gateway.auth.secret_for(signed.key_id)
        seen.verdict = "resolved"
        wanted = expected_signature(secret, signed, self.command, raw_path, raw_query, self.headers)
        if not hmac.compare_digest(wanted, signed.signature):
            raise S3Error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
                "bad signature",
            )
        if signed.payload_hash == STREAMING:
            payload = decode_signed_chunks(body, secret, signed)
            declared = self.headers.get("x-amz-decoded-content-length")
            if declared is not None and int(declared) != len(payload):
                raise S3Error(400, "IncompleteBody", "The decoded length does not match.")
        elif signed.payload_hash == UNSIGNED:
            payload = body
        elif not signed.payload_hash.startswith("STREAMING-"):
            if hashlib.sha256(body).hexdigest() != signed.payload_hash:
                raise S3Error(
                    400,
                    "XAmzContentSHA256Mismatch",
                    "The provided 'x-amz-content-sha256' header does not match what was computed.",
                )
            payload = body
        else:
            raise S3Error(501, "NotImplemented", f"{signed.payload_hash} is not supported here.")
        seen.verdict = "verified"
        return payload

    def _operate(self, seen: Seen, path: str, raw_query: str, payload: bytes):
        gateway = self.server.gateway
        query = dict(parse_qsl(raw_query, keep_blank_values=True))
        host = self.headers.get("Host", "")
        if host != gateway.host and gateway.is_own_host(host):  # virtual-hosted style
            bucket, key = host[: -len(gateway.host) - 1], path.lstrip("/")
        else:
            bucket, _, key = path.lstrip("/").partition("/")
        seen.bucket, seen.key = bucket, key
        method = self.command
        with gateway.lock:
            if not bucket:
                if method != "GET":
                    raise S3Error(405, "MethodNotAllowed", "Not allowed on the service.")
                seen.status = 200
                return self._answer(
                    200, gateway.list_buckets_xml(), {"Content-Type": "application/xml"}
                )
            if not key:
                return self._bucket(seen, method, bucket, query)
            objects = gateway.buckets.get(bucket)
            if objects is None:
                raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist")
            if method == "PUT":
                if "x-amz-copy-source" in self.headers:
                    raise S3Error(501, "NotImplemented", "CopyObject is not served here.")
                etag = hashlib.md5(payload).hexdigest()  # noqa: S324 - S3's ETag is an MD5
                meta = {
                    k.lower(): v
                    for k, v in self.headers.items()
                    if k.lower().startswith("x-amz-meta-")
                }
                objects[key] = StoredObject(
                    payload,
                    etag,
                    datetime.now(UTC),
                    self.headers.get("Content-Type") or "binary/octet-stream",
                    meta,
                )
                seen.status = 200
                return self._answer(200, b"", {"ETag": f'"{etag}"'})
            if method == "DELETE":
                objects.pop(key, None)
                seen.status = 204
                return self._answer(204)
            if method in ("GET", "HEAD"):
                stored = objects.get(key)
                if stored is None:
                    raise S3Error(404, "NoSuchKey", "The specified key does not exist.")
                return self._object(seen, stored)
        raise S3Error(501, "NotImplemented", f"{method} on an object is not served here.")

    def _object(self, seen: Seen, stored: StoredObject):
        headers = {
            "ETag": f'"{stored.etag}"',
            "Last-Modified": format_datetime(stored.modified, usegmt=True),
            "Content-Type": stored.content_type,
            "Accept-Ranges": "bytes",
            **stored.metadata,
        }
        body, status = stored.body, 200
        ranged = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range") or "")
        if ranged:
            start = int(ranged.group(1))
            end = int(ranged.group(2)) if ranged.group(2) else len(body) - 1
            end = min(end, len(body) - 1)
            headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
            body, status = body[start : end + 1], 206
        headers["Content-Length"] = str(len(body))
        seen.status = status
        self._answer(status, body, headers)

    def _bucket(self, seen: Seen, method: str, bucket: str, query: dict[str, str]):
        gateway = self.server.gateway
        objects = gateway.buckets.get(bucket)
        if method == "PUT":
            if objects is not None:
                raise S3Error(409, "BucketAlreadyOwnedByYou", "You already own this bucket.")
            gateway.create_bucket(bucket)
            seen.status = 200
            return self._answer(200, b"", {"Location": f"/{bucket}"})
        if objects is None:
            raise S3Error(404, "NoSuchBucket", "The specified bucket does not exist")
        if method == "HEAD":
            seen.status = 200
            return self._answer(200)
        if method == "DELETE":
            if objects:
                raise S3Error(409, "BucketNotEmpty", "The bucket you tried to delete is not empty")
            del gateway.buckets[bucket]
            seen.status = 204
            return self._answer(204)
        if method == "GET" and "location" in query:
            seen.status = 200
            body = _xml(f'<LocationConstraint xmlns="{S3_NS}"></LocationConstraint>')
            return self._answer(200, body, {"Content-Type": "application/xml"})
        if method == "GET":
            seen.status = 200
            return self._answer(
                200, gateway.list_objects_xml(bucket, query), {"Content-Type": "application/xml"}
            )
        raise S3Error(501, "NotImplemented", f"{method} on a bucket is not served here.")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    gateway: S3Gateway


class S3Gateway:
    """The gateway: start() it, point tools at ``url``, read ``seen``."""

    def __init__(self, auth: AuthService):
        self.auth = auth
        self.buckets: dict[str, dict[str, StoredObject]] = {}
        self.created: dict[str, datetime] = {}
        self.seen: list[Seen] = []
        self.caught: list[str] = []  # requests meant for anywhere else
        self.lock = threading.RLock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.gateway = self
        self.host = f"127.0.0.1:{self._server.server_address[1]}"
        self.url = f"http://{self.host}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> S3Gateway:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def is_own_host(self, host: str) -> bool:
        """The gateway's address, or BUCKET.<address> (virtual-hosted style)."""
        return host == self.host or host.endswith("." + self.host)

    def proxy_environment(self) -> dict[str, str]:
        """Proxy variables that send every request but loopback's to this gateway,
        which serves its virtual hosts and refuses (and records) anything else."""
        proxies = {
            name: self.url
            for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
            for name in (proxy, proxy.lower())
        }
        return proxies | {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}

    def create_bucket(self, name: str) -> None:
        with self.lock:
            self.buckets.setdefault(name, {})
            self.created.setdefault(name, datetime.now(UTC))

    def list_buckets_xml(self) -> bytes:
        buckets = "".join(
            f"<Bucket><Name>{escape(name)}</Name>"
            f"<CreationDate>{_iso(self.created[name])}</CreationDate></Bucket>"
            for name in sorted(self.buckets)
        )
        return _xml(
            f'<ListAllMyBucketsResult xmlns="{S3_NS}"><Owner><ID>console</ID>'
            f"<DisplayName>console</DisplayName></Owner><Buckets>{buckets}</Buckets>"
            "</ListAllMyBucketsResult>"
        )

    def list_objects_xml(self, bucket: str, query: dict[str, str]) -> bytes:
        """ListObjectsV2 (``list-type=2``) or V1, with prefix, delimiter and paging."""
        v2 = query.get("list-type") == "2"
        prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
        max_keys = int(query.get("max-keys") or 1000)
        after = (
            query.get("continuation-token") or query.get("start-after", "")
            if v2
            else query.get("marker", "")
        )
        url_encoded = query.get("encoding-type") == "url"

        def shown(text: str) -> str:
            return escape(quote(text, safe="/") if url_encoded else text)

        contents, prefixes, last, truncated = [], [], "", False
        for key in sorted(self.buckets[bucket]):
            if not key.startswith(prefix) or key <= after:
                continue
            if len(contents) + len(prefixes) >= max_keys:
                truncated = True
                break
            rest = key[len(prefix) :]
            if delimiter and delimiter in rest:
                common = prefix + rest.split(delimiter, 1)[0] + delimiter
                if common not in prefixes:
                    prefixes.append(common)
                last = key
                continue
            stored = self.buckets[bucket][key]
            contents.append(
                f"<Contents><Key>{shown(key)}</Key><LastModified>{_iso(stored.modified)}"
                f"</LastModified><ETag>&quot;{stored.etag}&quot;</ETag><Size>{len(stored.body)}"
                "</Size><StorageClass>STANDARD</StorageClass></Contents>"
            )
            last = key
        parts = [
            f"<Name>{escape(bucket)}</Name><Prefix>{shown(prefix)}</Prefix>",
            f"<MaxKeys>{max_keys}</MaxKeys><IsTruncated>{str(truncated).lower()}</IsTruncated>",
        ]
        if delimiter:
            parts.append(f"<Delimiter>{shown(delimiter)}</Delimiter>")
        if url_encoded:
            parts.append("<EncodingType>url</EncodingType>")
        if v2:
            parts.append(f"<KeyCount>{len(contents) + len(prefixes)}</KeyCount>")
            if truncated:
                parts.append(f"<NextContinuationToken>{escape(last)}</NextContinuationToken>")
        elif truncated:
            parts.append(f"<NextMarker>{shown(last)}</NextMarker>")
        parts += contents
        parts += [f"<CommonPrefixes><Prefix>{shown(p)}</Prefix></CommonPrefixes>" for p in prefixes]
        return _xml(f'<ListBucketResult xmlns="{S3_NS}">{"".join(parts)}</ListBucketResult>')
