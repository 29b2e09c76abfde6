#!/usr/bin/env python3
"""Verifies a Standard Webhooks signature independently of Narralytica's C++ (Python's hmac).

Usage: verify_signature.py SECRET WEBHOOK_ID WEBHOOK_TIMESTAMP WEBHOOK_SIGNATURE BODY_FILE
Exits 0 when one of the header's v1 signatures is HMAC-SHA256 over "id.timestamp.body" with the key
base64-decoded from the part of SECRET after "whsec_"; 1 when none is; 2 on bad arguments.
The same code is the snippet in docs/webhooks.md.
"""
import base64
import hashlib
import hmac
import sys


def verify(secret: str, msg_id: str, timestamp: str, body: bytes, signature_header: str) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in signature_header.split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False


if __name__ == "__main__":
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    secret, msg_id, timestamp, header, body_file = sys.argv[1:]
    with open(body_file, "rb") as f:
        body = f.read()
    sys.exit(0 if verify(secret, msg_id, timestamp, body, header) else 1)
