"""/organizations/<org>/credentials/bulk-issue… and /bulk-jobs…: bulk issuance pages."""

from django.urls import path

from laurel.web.views import bulk

app_name = "bulk"

urlpatterns = [
    path("credentials/bulk-issue", bulk.bulk_issue, name="upload"),
    path("credentials/bulk-issue/template.<str:kind>", bulk.template_file, name="template"),
    path("credentials/bulk-issue/<str:job_id>", bulk.review, name="review"),
    path("bulk-jobs", bulk.jobs, name="jobs"),
    path("bulk-jobs/<str:job_id>", bulk.job_page, name="job"),
    path("bulk-jobs/<str:job_id>/cancel", bulk.cancel, name="cancel"),
    path("bulk-jobs/<str:job_id>/retry", bulk.retry, name="retry"),
    path("bulk-jobs/<str:job_id>/failed.csv", bulk.failed_rows, name="failed_rows"),
]
