"""/organizations/<org>/credentials/issue…: issue one credential, and its live recipient check.

Included at the organization's root, so that no route starts with a slash (urls.W002).
"""

from django.urls import path

from laurel.web.views import issue

urlpatterns = [
    path("credentials/issue", issue.issue_credential, name="issue"),
    path("credentials/issue/check", issue.recipient_check, name="issue_check"),
]
