import pytest

from laurel.credentials.services import issue


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files and cached renders in a directory of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def publish_to(owner):
    def make(group, name="Ada Lovelace", email="ada@example.org", **fields):
        return issue(
            actor=owner, group_key=group.key, recipient_name=name, recipient_email=email, **fields
        )

    return make
