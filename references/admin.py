from __future__ import annotations

from django.contrib import admin

from references.models import Reference


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "title", "container_title", "year", "doi", "pmid"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "author", "doi", "pmid", "pmcid"]
