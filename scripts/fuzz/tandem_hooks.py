"""Schemathesis hooks for Tandem's API fuzz (scripts/api-fuzz).

A programme's settings are sent as a TOML document (`application/toml`),
which schemathesis has no serializer for: the generated body, a string, is
sent as its UTF-8 bytes, so the server's TOML parser meets the fuzz too.
"""

import schemathesis


@schemathesis.serializer("application/toml")
def toml_body(ctx, value):
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        value = repr(value)
    return value.encode("utf-8", "surrogatepass")
