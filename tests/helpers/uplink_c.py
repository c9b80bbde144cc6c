"""A small ctypes shim over Storj's uplink-c (``libuplink.so`` from the PyPI
package ``storj-uplink``), for tests that check our grants with Storj's own code.

Only the offline calls are declared: parse, serialize, share. The package's
own Python wrapper is not used (it has bugs); its shared library is.
"""

from __future__ import annotations

import ctypes
import importlib.util
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


class UplinkError(Exception):
    """An error uplink-c returned: its code and message."""

    def __init__(self, code: int, message: str):
        self.code = code
        super().__init__(f"uplink error {code}: {message}")


class _Handle(ctypes.Structure):
    _fields_ = [("_handle", ctypes.c_size_t)]


class _Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int32), ("message", ctypes.c_char_p)]


class _AccessResult(ctypes.Structure):
    _fields_ = [("access", ctypes.POINTER(_Handle)), ("error", ctypes.POINTER(_Error))]


class _StringResult(ctypes.Structure):
    _fields_ = [("string", ctypes.c_void_p), ("error", ctypes.POINTER(_Error))]


class _Permission(ctypes.Structure):
    _fields_ = [
        ("allow_download", ctypes.c_bool),
        ("allow_upload", ctypes.c_bool),
        ("allow_list", ctypes.c_bool),
        ("allow_delete", ctypes.c_bool),
        ("not_before", ctypes.c_int64),
        ("not_after", ctypes.c_int64),
    ]


class _SharePrefix(ctypes.Structure):
    _fields_ = [("bucket", ctypes.c_char_p), ("prefix", ctypes.c_char_p)]


def library_path() -> Path | None:
    """Where the storj-uplink package keeps libuplink.so, or None if it is not installed."""
    spec = importlib.util.find_spec("storj_uplink")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "libuplink.so"
    return path if path.exists() else None


def _load() -> ctypes.CDLL:
    path = library_path()
    if path is None:
        raise RuntimeError("storj-uplink is not installed: pip install -e '.[dev]'")
    lib = ctypes.CDLL(str(path))
    lib.uplink_parse_access.argtypes = [ctypes.c_char_p]
    lib.uplink_parse_access.restype = _AccessResult
    lib.uplink_access_serialize.argtypes = [ctypes.POINTER(_Handle)]
    lib.uplink_access_serialize.restype = _StringResult
    lib.uplink_access_satellite_address.argtypes = [ctypes.POINTER(_Handle)]
    lib.uplink_access_satellite_address.restype = _StringResult
    lib.uplink_access_share.argtypes = [
        ctypes.POINTER(_Handle),
        _Permission,
        ctypes.POINTER(_SharePrefix),
        ctypes.c_int64,
    ]
    lib.uplink_access_share.restype = _AccessResult
    lib.uplink_free_access_result.argtypes = [_AccessResult]
    lib.uplink_free_string_result.argtypes = [_StringResult]
    lib.uplink_free_error.argtypes = [ctypes.POINTER(_Error)]
    return lib


_lib: ctypes.CDLL | None = None


def _library() -> ctypes.CDLL:
    global _lib
    if _lib is None:
        _lib = _load()
    return _lib


def _raise_for(error) -> None:
    if error:
        code, message = error.contents.code, (error.contents.message or b"").decode()
        raise UplinkError(code, message)


def _string(result: _StringResult) -> str:
    lib = _library()
    try:
        _raise_for(result.error)
        return ctypes.string_at(result.string).decode("utf-8")
    finally:
        lib.uplink_free_string_result(result)


def _access(result: _AccessResult) -> str:
    """Serialize the access a call returned, then free it."""
    lib = _library()
    try:
        _raise_for(result.error)
        return _string(lib.uplink_access_serialize(result.access))
    finally:
        lib.uplink_free_access_result(result)


@dataclass(frozen=True)
class ParsedAccess:
    """What uplink-c read from a grant: its satellite and its re-serialization."""

    satellite_address: str
    serialized: str


def parse(grant: str) -> ParsedAccess:
    """uplink_parse_access, then its satellite address and serialization."""
    lib = _library()
    result = lib.uplink_parse_access(grant.encode("ascii"))
    try:
        _raise_for(result.error)
        satellite = _string(lib.uplink_access_satellite_address(result.access))
        serialized = _string(lib.uplink_access_serialize(result.access))
    finally:
        lib.uplink_free_access_result(result)
    return ParsedAccess(satellite_address=satellite, serialized=serialized)


def share(
    grant: str,
    *,
    download: bool = False,
    upload: bool = False,
    list_: bool = False,
    delete: bool = False,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    prefixes: list[tuple[str, str]] = (),
) -> str:
    """uplink_access_share: restrict a grant further, as a holder of it can."""
    lib = _library()
    parsed = lib.uplink_parse_access(grant.encode("ascii"))
    try:
        _raise_for(parsed.error)
        permission = _Permission(
            download,
            upload,
            list_,
            delete,
            int(not_before.timestamp()) if not_before else 0,
            int(not_after.timestamp()) if not_after else 0,
        )
        array = (_SharePrefix * max(len(prefixes), 1))(
            *[_SharePrefix(bucket.encode(), prefix.encode()) for bucket, prefix in prefixes]
        )
        return _access(lib.uplink_access_share(parsed.access, permission, array, len(prefixes)))
    finally:
        lib.uplink_free_access_result(parsed)
