"""The JSON-LD document loader serves the shipped contexts and nothing else."""

import pytest

from laurel.vc.errors import ResolutionError
from laurel.vc.loader import document_loader, known_context_urls


@pytest.mark.parametrize("url", sorted(known_context_urls()))
def test_every_shipped_context_is_served_from_its_file(url):
    remote = document_loader(url)
    assert remote["documentUrl"] == url
    assert remote["contextUrl"] is None
    assert "@context" in remote["document"]


@pytest.mark.parametrize(
    "url",
    [
        "https://attacker.example/context.json",
        "https://www.w3.org/ns/credentials/v2/",
        "http://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/did/v1",
        "",
    ],
)
def test_any_other_url_is_refused_without_fetching(url):
    with pytest.raises(ResolutionError, match="not one Laurel ships"):
        document_loader(url)


def test_callers_cannot_alter_the_served_context():
    url = "https://www.w3.org/ns/credentials/v2"
    document_loader(url)["document"]["@context"]["VerifiableCredential"] = "spoiled"
    assert document_loader(url)["document"]["@context"]["VerifiableCredential"] != "spoiled"
