"""The article editor's Markdown field: a plain textarea with a toolbar to cite a source
or insert an image at the cursor (static/articles/editor.js). The live preview of the
whole working copy sits once under the form (templates/admin/articles/article/change_form.html)."""

from __future__ import annotations

from django import forms


class ArticleEditorWidget(forms.Textarea):
    # An app template: the form renderer reads app templates, not the project folder.
    template_name = "articles/widgets/editor.html"

    def __init__(self, attrs: dict | None = None):
        super().__init__({"rows": 18, "cols": 90, "class": "markdown-editor-text", **(attrs or {})})
