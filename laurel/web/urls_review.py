"""Drafts under review and publishing them, under /organizations/<org>/credentials/review."""

from django.urls import path

from laurel.web.views import review

urlpatterns = [
    path("", review.draft_list, name="review"),
    path("/publish", review.publish_chosen, name="review_publish"),
    path("/batches/<int:batch_id>", review.batch_progress, name="review_batch"),
    path("/batches/<int:batch_id>/resume", review.resume_batch, name="review_batch_resume"),
    path("/<slug:credential_id>", review.draft_detail, name="review_draft"),
    path("/<slug:credential_id>/edit", review.edit_draft, name="review_draft_edit"),
    path("/<slug:credential_id>/publish", review.publish_draft, name="review_draft_publish"),
    path("/<slug:credential_id>/delete", review.delete_draft, name="review_draft_delete"),
]
