"""Errors raised by the wire-format code."""


class FormatError(ValueError):
    """Input that is not a well-formed key, grant, credential or encoding.

    The message says what is wrong in words a person can act on; it never
    contains the secret value itself.
    """
