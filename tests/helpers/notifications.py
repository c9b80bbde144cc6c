"""Bucket notification permissions: the operations, and whether a key allows one."""

from django.utils import timezone

from accesskeys.services.lookup import authorize
from storjformat import macaroon

PUT, GET = "PutBucketNotificationConfiguration", "GetBucketNotificationConfiguration"


OPS = {
    PUT: macaroon.Op.PUT_BUCKET_NOTIFICATION_CONFIGURATION,
    GET: macaroon.Op.GET_BUCKET_NOTIFICATION_CONFIGURATION,
}


def allowed(api_key: str, op) -> bool:
    action = macaroon.Action(op, timezone.now(), b"photos", b"")
    try:
        authorize(api_key, action)
    except macaroon.ActionDenied:
        return False
    return True
