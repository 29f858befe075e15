#!/usr/bin/env python3
"""moto_server whose SigV4 verifier builds the canonical request the way AWS does.

    python3 scripts/moto_server.py -H 127.0.0.1 -p PORT      (same arguments as moto_server)

moto 5.x verifies signatures on a URL that werkzeug has already decoded and re-quoted with its
own safe characters: the canonical path of `/b/a%2Bb` becomes `/b/a+b`, `prefix=p%2F` becomes
`prefix=p/`, and UTF-8 keys are double-encoded. Every correct client then gets
SignatureDoesNotMatch for keys with `+`, `=`, `%`, `~*()`, non-ASCII characters, and for any
ListObjectsV2 prefix or continuation token containing `/`, `+` or `=` (boto3 included).

This launcher keeps moto and its verifier (botocore's SigV4 code) and only feeds the verifier
what AWS itself signs (AWS General Reference, "Create a canonical request"):
  * the path exactly as received on the wire (S3 does not normalize or re-encode it);
  * the query parameters decoded and re-encoded with SigV4's UriEncode (botocore's
    `_canonical_query_string_params`), so wire spellings (`p/` or `p%2F`) sign alike.
Nothing else changes: unsigned requests after INITIAL_NO_AUTH_ACTION_COUNT are still refused.
"""
import sys
from urllib.parse import parse_qsl, urlsplit

from botocore.awsrequest import AWSRequest
from moto.core import authorization
from moto.core.responses import BaseResponse
from moto.iam import access_control
from moto.server import main

_setup_class = BaseResponse.setup_class


def setup_class(self, request, full_url, headers, use_raw_body=False):
    _setup_class(self, request, full_url, headers, use_raw_body)
    environ = getattr(request, "environ", None) or {}
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        parts = urlsplit(full_url)
        self._millrace_raw_url = f"{parts.scheme}://{parts.netloc}{raw if raw.startswith('/') else '/' + raw}"


_authenticate = authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action


def authenticate(self, iam_request_cls, resource="*"):
    raw_url = getattr(self, "_millrace_raw_url", None)
    if raw_url is None:
        return _authenticate(self, iam_request_cls, resource)
    decoded_url = self.uri
    self.uri = raw_url
    try:
        return _authenticate(self, iam_request_cls, resource)
    finally:
        self.uri = decoded_url


def create_aws_request(self):
    signed_headers = self._get_string_between("SignedHeaders=", ",", self._headers["Authorization"]).split(";")
    headers = self._create_headers_for_aws_request(signed_headers, self._headers)
    parts = urlsplit(self._path)
    request = AWSRequest(method=self._method, url=parts.path, data=self._body or self._data, headers=headers)
    request.params = dict(parse_qsl(parts.query, keep_blank_values=True))
    request.context["timestamp"] = headers["X-Amz-Date"]
    return request


BaseResponse.setup_class = setup_class
authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate
access_control.IAMRequestBase._create_aws_request = create_aws_request

if __name__ == "__main__":
    main(sys.argv[1:])
