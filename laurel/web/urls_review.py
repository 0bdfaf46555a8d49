"""Drafts under review and publishing them, under /organizations/<org>/credentials/review."""

from django.urls import path

from laurel.web.views import review

urlpatterns = [
    path("credentials/review", review.draft_list, name="review"),
    path("credentials/review/publish", review.publish_chosen, name="review_publish"),
    path("credentials/review/batches/<int:batch_id>", review.batch_progress, name="review_batch"),
    path(
        "credentials/review/batches/<int:batch_id>/resume",
        review.resume_batch,
        name="review_batch_resume",
    ),
    path("credentials/review/<slug:credential_id>", review.draft_detail, name="review_draft"),
    path(
        "credentials/review/<slug:credential_id>/edit", review.edit_draft, name="review_draft_edit"
    ),
    path(
        "credentials/review/<slug:credential_id>/publish",
        review.publish_draft,
        name="review_draft_publish",
    ),
    path(
        "credentials/review/<slug:credential_id>/delete",
        review.delete_draft,
        name="review_draft_delete",
    ),
]
