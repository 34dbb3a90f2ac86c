"""URL routes of the demo project."""

from django.contrib import admin
from django.urls import path
from pages import views

urlpatterns = [
    path("", views.index, name="index"),
    path("health/", views.health, name="health"),
    path("upload/", views.upload, name="upload"),
    path("data/", views.data, name="data"),
    path("admin/", admin.site.urls),
]
