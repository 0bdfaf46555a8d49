"""/organizations/<org>/designs/…: the design studio."""

from django.urls import path

from laurel.web.views import designs, designs_preview

app_name = "designs"

urlpatterns = [
    path("", designs.designs, name="index"),
    path("zips", designs.group_zip, name="group_zip"),
    path("zips/<int:zip_id>", designs.zip_progress, name="zip"),
    path("zips/<int:zip_id>/download", designs.zip_download, name="zip_download"),
    path("<int:design_id>", designs.studio, name="studio"),
    path("<int:design_id>/save", designs.save, name="save"),
    path("<int:design_id>/compose", designs.compose_badge, name="compose"),
    path("<int:design_id>/upload", designs.upload, name="upload"),
    path("<int:design_id>/use", designs.use_for_group, name="use"),
    path("<int:design_id>/preview.png", designs_preview.preview, name="preview"),
]
