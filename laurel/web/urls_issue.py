"""/organizations/<org>/credentials/issue…: issue one credential, and its live recipient check."""

from django.urls import path

from laurel.web.views import issue

urlpatterns = [
    path("", issue.issue_credential, name="issue"),
    path("/check", issue.recipient_check, name="issue_check"),
]
