"""The image library in the admin, and the editor's image picker (JSON, staff only).

Uploads, replacements and edits go through images.services, which refuse a bad file
(with the reason) before anything is stored.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.urls import path
from django.utils.html import format_html, format_html_join

from images import processing, selectors, services, storage
from images.models import Image, ImageVersion

ACCEPT = "image/jpeg,image/png,image/webp"


def thumbnail_url(image: Image) -> str:
    version = image.current_version
    return storage.url(version.renditions[0]["name"]) if version else ""


class ImageForm(forms.ModelForm):
    file = forms.FileField(
        label="Image file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="JPEG, PNG or WebP. Camera data (EXIF, location) is removed; the site gets "
        "sizes for every screen. Choosing a new file on an existing image adds a version: "
        "pages already approved keep showing the file they were approved with.",
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "licence"]
        widgets = {
            "alt_text": forms.TextInput(attrs={"size": 80}),
            "caption": forms.Textarea(attrs={"rows": 2, "cols": 80}),
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            if self.instance.pk is None:
                raise ValidationError("Choose an image file (JPEG, PNG or WebP).")
            return None
        # The cheap checks now, so the form says what is wrong; the service checks again.
        head = upload.read(settings.VETTED_IMAGE_MAX_BYTES + 1)
        upload.seek(0)
        try:
            processing.check(head, size=upload.size)
        except processing.ImageRefused as refusal:
            raise ValidationError(str(refusal)) from refusal
        if self.instance.pk is None:
            # Within the cap the head is the whole file. (The service checks again.)
            existing = selectors.image_with_file(hashlib.sha256(head).hexdigest())
            if existing is not None:
                raise ValidationError(duplicate_message(existing), code="duplicate")
        return upload


def duplicate_message(existing: Image) -> str:
    """Nothing uploaded, and the way to the image the library has: the one to use."""
    return format_html(
        'This image is already in the library; nothing was uploaded. <a href="{}">Use the '
        "existing image</a> ({}), inserted in an article as <code>{}</code>.",
        existing.get_absolute_url(),
        existing,
        existing.markdown,
    )


PROCESSING_NOTE = (
    "The file is being processed: sizes for every screen are being made (usually within a "
    "minute). Articles show it once it is ready."
)


def pending_note(image: Image, latest: ImageVersion | None) -> str:
    """What the writer should know of a file newer than the current one, if any."""
    current = image.current_version
    if latest is None or (current is not None and latest.number <= current.number):
        return ""
    if latest.status == ImageVersion.Status.PROCESSING:
        return f"Version {latest.number}: {PROCESSING_NOTE}"
    if latest.status == ImageVersion.Status.FAILED:
        return f"Version {latest.number} could not be processed: {latest.problem}"
    return ""


class ImageVersionInline(admin.TabularInline):
    model = ImageVersion
    verbose_name_plural = "Versions (a new file adds one; approved pages keep theirs)"
    fields = [
        "number", "status", "problem", "format", "width", "height", "uploaded_by", "created_at",
    ]  # fmt: skip
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "caption", "credit", "insert_as", "updated_at"]
    list_display_links = ["thumbnail", "alt_text"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["preview", "insert_as"]
    inlines = [ImageVersionInline]
    list_select_related = ["current_version"]

    def get_queryset(self, request):
        latest = ImageVersion.objects.filter(image=OuterRef("pk")).order_by("-number")
        return (
            super()
            .get_queryset(request)
            .annotate(latest_status=Subquery(latest.values("status")[:1]))
        )

    @admin.display(description="image")
    def thumbnail(self, obj: Image) -> str:
        if obj.current_version is None:
            return {"processing": "Processing…", "failed": "Failed: upload it again"}.get(
                getattr(obj, "latest_status", ""), "—"
            )
        return format_html(
            '<img src="{}" alt="" class="library-thumbnail" width="120">', thumbnail_url(obj)
        )

    @admin.display(description="insert in an article as")
    def insert_as(self, obj: Image) -> str:
        return format_html("<code>{}</code>", obj.markdown) if obj.pk else "—"

    @admin.display(description="current file")
    def preview(self, obj: Image) -> str:
        note = pending_note(obj, obj.versions.order_by("-number").first())
        version = obj.current_version
        if version is None:
            return note or "—"
        sizes = format_html_join(
            ", ", "{}×{}", ((r["width"], r["height"]) for r in version.renditions)
        )
        return format_html(
            '<img src="{}" alt="{}" class="library-preview" width="{}"><br>'
            "Version {} · {} · {}×{} px · renditions {}",
            storage.url(version.fallback["name"]),
            obj.alt_text,
            min(480, version.fallback["width"]),
            version.number,
            version.get_format_display(),
            version.width,
            version.height,
            sizes,
        ) + (format_html("<br><strong>{}</strong>", note) if note else "")

    def get_fields(self, request, obj=None):
        fields = ["file", "alt_text", "caption", "credit", "licence"]
        if obj is None:
            return fields
        if not self.has_change_permission(request, obj):
            fields.remove("file")  # a form field only: nothing to show read-only
        return [*fields, "preview", "insert_as"]

    def has_change_permission(self, request, obj=None) -> bool:
        # Others' images open read-only: their words are the uploader's and the editors'.
        if obj is not None and not services.may_change(obj, request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # An image any revision shows is part of the record (PROTECT enforces it too).
        if obj is not None and (
            obj.revision_links.exists() or not services.may_delete(obj, request.user)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        """An unused image goes with its versions (images.services.image_delete removes
        them), so they are listed, not reported as protecting it."""
        images = list(objs)
        perms_needed = (
            {Image._meta.verbose_name}
            if any(not self.has_delete_permission(request, image) for image in images)
            else set()
        )
        counts = {
            Image._meta.verbose_name_plural: len(images),
            ImageVersion._meta.verbose_name_plural: ImageVersion.objects.filter(
                image__in=images
            ).count(),
        }
        return [str(image) for image in images], counts, perms_needed, []

    def delete_model(self, request, obj: Image) -> None:
        services.image_delete(image=obj, user=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for image in queryset:
            services.image_delete(image=image, user=request.user)

    def save_model(self, request: HttpRequest, obj: Image, form, change: bool) -> None:
        text = {name: form.cleaned_data[name] for name in services.REQUIRED_TEXT}
        upload = form.cleaned_data.get("file")
        if not change:
            saved = services.image_upload(file=upload, user=request.user, **text)
            obj.pk, obj.current_version = saved.pk, saved.current_version
            obj._state.adding = False
            if saved.current_version is None:
                messages.info(request, PROCESSING_NOTE)
            return
        services.image_describe(image=obj, user=request.user, **text)
        if upload is not None:
            version = services.image_replace(image=obj, file=upload, user=request.user)
            if version.status == ImageVersion.Status.PROCESSING:
                messages.info(request, PROCESSING_NOTE)

    def save_related(self, request, form, formsets, change) -> None:
        """Versions are written by the services only."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.DuplicateImage as exc:
            # The same file was uploaded by someone else since the form's own check.
            messages.error(request, duplicate_message(exc.existing))
            return HttpResponseRedirect(request.get_full_path())
        except ValidationError as exc:
            # The service refused what the form let through (e.g. the storage failed): its
            # transaction rolled back, so nothing changed. Say so on the same page.
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())

    # --- the editor's picker ---------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "picker/",
                self.admin_site.admin_view(self.picker_view),
                name="images_image_picker",
            ),
            path(
                "picker/upload/",
                self.admin_site.admin_view(self.picker_upload_view),
                name="images_image_picker_upload",
            ),
            *super().get_urls(),
        ]

    def picker_view(self, request: HttpRequest) -> HttpResponse:
        return _picker(self, request)

    def picker_upload_view(self, request: HttpRequest) -> HttpResponse:
        return _picker_upload(self, request)


def image_json(image: Image) -> dict:
    return {
        "id": image.pk,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": f"{image.credit} · {image.licence}",
        "thumbnail": thumbnail_url(image),
        "markdown": image.markdown,
        # Still being processed: the preview shows it once its files are made.
        "processing": image.current_version is None,
    }


def _picker(model_admin: ImageAdmin, request: HttpRequest) -> HttpResponse:
    """The library for the editor's image picker: newest first, filtered by words."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    query = " ".join(request.GET.get("q", "").split())[:100]
    images = selectors.picker_images(query)[: selectors.PICKER_PAGE]
    return JsonResponse({"results": [image_json(image) for image in images]})


def _picker_upload(model_admin: ImageAdmin, request: HttpRequest) -> HttpResponse:
    """Upload from the editor: the image and its words, or the reasons nothing was stored
    (and, for a file the library already has, that image, to insert instead)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    text = {name: request.POST.get(name, "") for name in services.REQUIRED_TEXT}
    try:
        image = services.image_upload(file=request.FILES.get("file"), user=request.user, **text)
    except services.DuplicateImage as exc:
        # Nothing stored: the editor offers to insert the image the library has.
        return JsonResponse(
            {
                "errors": exc.message_dict,
                "message": services.DUPLICATE,
                "existing": image_json(exc.existing),
            },
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse({"errors": exc.message_dict}, status=400)
    return JsonResponse({"image": image_json(image)}, status=201)
