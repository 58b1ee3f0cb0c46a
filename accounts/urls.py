from django.contrib import admin
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", admin.site.admin_view(views.setup_view), name="setup"),
    path("verify/", admin.site.admin_view(views.verify_view), name="verify"),
    path("enrol/<str:token>/", admin.site.admin_view(views.enrol_link_view), name="enrol_link"),
    path(
        "recovery-codes/",
        admin.site.admin_view(views.recovery_codes_view),
        name="recovery_codes",
    ),
]
