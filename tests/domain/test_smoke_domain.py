from laurel.credentials.services import issue
from laurel.vc.proof import verify_proof


def test_issue_publishes_a_signed_credential(owner, never_group, resolve_did):
    credential = issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada",
        recipient_email="ada@example.org",
    )
    check = verify_proof(credential.document, resolve=resolve_did(owner.organization))
    assert check.ok, check.reason
