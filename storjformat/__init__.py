"""Storj's wire formats, byte-compatible with storj/common and storj/edge.

Base58Check, the protobuf messages, macaroon API keys and their caveats,
access grants, object-key (path) encryption, passphrase key derivation, S3
credentials and ``uplink access inspect``. Plain Python: nothing here imports
Django or touches a database (tests/storjformat/test_no_django.py checks it),
so the services in ``accesskeys/services/`` use these modules, never the
reverse.
"""
