"""What the verification tests share: an issuer that signs, and a real local web server.

The issuer is real (Ed25519 key, did:web document, eddsa-rdfc-2022 proofs, signed status
lists); the server is a real HTTP server on a free loopback port, so the resolver's
network path runs for real without leaving the machine.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from laurel.vc.credential import (
    AchievementInfo,
    IssuerProfile,
    Recipient,
    StatusEntry,
    build_credential,
)
from laurel.vc.did import VerificationKey, did_web, did_web_document
from laurel.vc.keys import generate_key, public_multikey
from laurel.vc.proof import sign
from laurel.vc.status_list import Bitstring, build_status_list_credential

ISSUED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class Site:
    """A loopback HTTP server answering fixed paths: {path: (status, content type, body)}."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.requests.append(self.path)
                status, content_type, body = site.pages.get(
                    self.path, (404, "text/plain", b"not found")
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in site.headers.get(self.path, {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hangs up early (a refused oversized answer) is expected

        self._server = Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def put_json(self, path: str, document: dict, content_type: str = "application/json") -> str:
        self.pages[path] = (200, content_type, json.dumps(document).encode())
        return self.base_url + path

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Issuer:
    """An organization with signing keys, a did:web, and status lists it can sign."""

    base_url: str
    slug: str = "demo"
    keys: dict[str, object] = field(default_factory=dict)
    retired: dict[str, datetime] = field(default_factory=dict)
    lists: dict[str, Bitstring] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.did = did_web(self.base_url, f"issuers/{self.slug}")
        self.add_key("key-1")

    def add_key(self, key_id: str) -> str:
        self.keys[key_id] = generate_key()
        return f"{self.did}#{key_id}"

    def did_document(self) -> dict:
        keys = [
            VerificationKey(key_id, public_multikey(private.public_key()), self.retired.get(key_id))
            for key_id, private in self.keys.items()
        ]
        return did_web_document(self.did, keys)

    def did_path(self) -> str:
        return f"/issuers/{self.slug}/did.json"

    def list_url(self, name: str) -> str:
        return f"{self.base_url}/status/{name}"

    def credential(
        self,
        *,
        status: tuple[StatusEntry, ...] = (),
        valid_from: datetime = ISSUED,
        valid_until: datetime | None = None,
        key_id: str = "key-1",
        signed_on: datetime | None = None,
    ) -> dict:
        unsigned = self.unsigned_credential(
            status=status, valid_from=valid_from, valid_until=valid_until
        )
        return self.sign(unsigned, key_id=key_id, created=signed_on or valid_from)

    def unsigned_credential(
        self,
        *,
        status: tuple[StatusEntry, ...] = (),
        valid_from: datetime = ISSUED,
        valid_until: datetime | None = None,
    ) -> dict:
        return build_credential(
            credential_id=f"{self.base_url}/credential/abcdefghijklmnopqrstuvwxyz012345",
            issuer=IssuerProfile(id=self.did, name="Demo Academy", url=self.base_url),
            achievement=AchievementInfo(
                id=f"{self.base_url}/achievements/python",
                name="Python Foundations",
                description="Writes small, tested Python programs.",
                criteria="Passed the final assessment.",
            ),
            recipient=Recipient(name="Ada Lovelace", email="ada@example.org", salt="pepper"),
            valid_from=valid_from,
            valid_until=valid_until,
            status=status,
        )

    def sign(self, document: dict, *, key_id: str = "key-1", created: datetime = ISSUED) -> dict:
        return sign(
            document,
            private_key=self.keys[key_id],
            verification_method=f"{self.did}#{key_id}",
            created=created,
        )

    def status_list(self, name: str, purpose: str = "revocation") -> dict:
        """The signed status list credential `name`, as it stands now."""
        bits = self.lists.setdefault(name, Bitstring())
        unsigned = build_status_list_credential(
            list_url=self.list_url(name),
            issuer_id=self.did,
            purpose=purpose,
            encoded_list=bits.encode(),
            valid_from=ISSUED,
        )
        return self.sign(unsigned)

    def set_bit(self, name: str, index: int, value: bool = True) -> None:
        self.lists.setdefault(name, Bitstring()).set(index, value)


def in_days(days: float) -> datetime:
    return NOW + timedelta(days=days)
