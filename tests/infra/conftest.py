import pytest

from laurel.credentials.models import Credential, CredentialGroup
from laurel.organizations.models import Organization


@pytest.fixture
def draft_credential(db):
    """A draft credential row: enough for the email, which reads names and the id."""
    organization = Organization.objects.create(name="Acme Academy", slug="acme-academy")
    group = CredentialGroup.objects.create(organization=organization, title="Python Basics")
    return Credential.objects.create(
        organization=organization,
        group=group,
        recipient_name="Ada Lovelace",
        recipient_email="ada@example.org",
        recipient_email_normalized="ada@example.org",
    )
