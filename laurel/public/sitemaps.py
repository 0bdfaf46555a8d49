"""/sitemap.xml: public credential pages and issuer profiles; never a private or draft one."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from laurel.public import selectors


class CredentialSitemap(Sitemap):
    changefreq = "monthly"
    limit = 10000

    def items(self):
        return selectors.listed_credentials()

    def location(self, item) -> str:
        return f"/credential/{item.pk}"

    def lastmod(self, item):
        return item.updated_at


class IssuerSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return selectors.listed_issuers()

    def location(self, item) -> str:
        return f"/issuers/{item.slug}"


SITEMAPS = {"issuers": IssuerSitemap, "credentials": CredentialSitemap}
