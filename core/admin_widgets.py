"""Admin widgets hardened against input Django's own do not expect."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError


class SafeAutocompleteSelect(AutocompleteSelect):
    """Re-displaying a form whose choice was not an id ("abc", a NUL) used to raise
    ValueError in the lookup of the selected option: drop such values instead, so the
    field's own "Select a valid choice" error is what the user sees."""

    def optgroups(self, name, value, attr=None):
        valid = []
        for item in value:
            try:
                self.field.target_field.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteMixin(admin.ModelAdmin):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
