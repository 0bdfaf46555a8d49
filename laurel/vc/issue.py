"""Build and sign an OB 3.0 credential in one step, checking the document once.

``build_credential`` ends with two whole-document checks: no control character anywhere
in its text (laurel/vc/text.py) and the OB 3.0 schema. ``proof.sign`` makes the same two
checks again on what it signs: ``fastcanon`` accepts no control character (else the walk
of ``text.refuse_control_characters`` runs), and an Open Badges credential is validated
with its proof in place (jsonschema-rs, else the reference validator). The schema's top
level only lists properties, required ones and ``additionalProperties``: nothing ties
``proof`` to the rest, so the signed document validates exactly when the unsigned one
does and its proof does. Signing right after building therefore makes the first pair of
checks twice; a bulk job spent more CPU on them than on the signature itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from laurel.vc.credential import unchecked_credential
from laurel.vc.proof import sign


def signed_credential(
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | None = None,
    **fields: Any,
) -> dict:
    """``proof.sign(build_credential(**fields), ...)`` with the whole document checked once.

    ``fields`` are ``build_credential``'s arguments. Refuses what either would refuse:
    VCError for unusable input, ControlCharacterError (naming the field the text came
    from), SchemaError for a document the OB 3.0 schema rejects.
    """
    return sign(
        unchecked_credential(**fields),
        private_key=private_key,
        verification_method=verification_method,
        created=created,
    )
