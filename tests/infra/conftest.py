import pytest


@pytest.fixture
def draft_credential(owner, never_group):
    """A draft credential of Acme Academy's "Python Foundations", made by the issue service."""
    from laurel.credentials.services import issue

    return issue(
        actor=owner,
        group_key=never_group.key,
        recipient_name="Ada Lovelace",
        recipient_email="ada@example.org",
        draft=True,
    )


@pytest.fixture
def published(owner, never_group):
    """Publish a credential of "Python Foundations" to `email` (public unless told)."""
    from laurel.credentials.services import issue

    def make(email: str = "ada@example.org", *, name: str = "Ada Lovelace", privacy=None):
        return issue(
            actor=owner,
            group_key=never_group.key,
            recipient_name=name,
            recipient_email=email,
            privacy=privacy,
        )

    return make
