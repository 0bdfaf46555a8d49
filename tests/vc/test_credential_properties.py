"""Properties over generated inputs: any text builds, signs and verifies; no email leaks."""

import copy
import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laurel.vc.credential import AchievementInfo, IssuerProfile, Recipient, build_credential
from laurel.vc.did import VerificationKey, did_web_document, resolver_for
from laurel.vc.keys import generate_key, public_multikey
from laurel.vc.proof import sign, verify_proof
from tests.vc.test_sign_and_verify import DID, METHOD, unsigned

KEY = generate_key()
RESOLVE = resolver_for(
    did_web_document(DID, [VerificationKey("key-1", public_multikey(KEY.public_key()))])
)

# Any Unicode text JSON and UTF-8 can carry (no lone surrogates), hostile parts included,
# but the C0 controls build_credential refuses (all but tab, newline, CR; and DEL).
REFUSED = [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=REFUSED),
    min_size=1,
    max_size=60,
)
EMAIL = st.emails()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, description=TEXT, attributes=st.dictionaries(TEXT, TEXT, max_size=3), email=EMAIL)
def test_any_text_signs_verifies_and_tampering_fails(name, description, attributes, email):
    document = unsigned(
        recipient=Recipient(name, email),
        achievement=AchievementInfo(
            id="https://laurel.example/groups/G", name=name, description=description, criteria=name
        ),
        custom_attributes={k: v for k, v in attributes.items() if k.strip()},
    )
    assert email.strip().lower() not in json.dumps(document, ensure_ascii=False).lower()
    signed = sign(document, private_key=KEY, verification_method=METHOD)
    assert verify_proof(json.loads(json.dumps(signed)), resolve=RESOLVE).ok
    altered = copy.deepcopy(signed)
    altered["credentialSubject"]["achievement"]["description"] = description + " "
    assert not verify_proof(altered, resolve=RESOLVE).ok


@settings(max_examples=50, deadline=None)
@given(moment=st.datetimes(min_value=datetime(1900, 1, 1), timezones=st.just(UTC)))
def test_any_aware_date_is_written_as_a_schema_valid_utc_date_time(moment):
    credential = build_credential(
        credential_id="https://laurel.example/credential/x",
        issuer=IssuerProfile(id=DID, name="Acme"),
        achievement=AchievementInfo(
            id="https://laurel.example/g", name="n", description="d", criteria="c"
        ),
        recipient=Recipient("Ada", "ada@example.org"),
        valid_from=moment,
    )
    assert credential["validFrom"] == moment.strftime("%Y-%m-%dT%H:%M:%SZ")
