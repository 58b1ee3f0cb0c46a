"""Writers and editors keep the image library; board members may look at it."""

from django.db import migrations

from people import grants

GRANTS = {
    "Writers": ["images.add_image", "images.change_image", "images.view_image"],
    "Editors": [
        "images.add_image", "images.change_image", "images.view_image", "images.delete_image",
    ],
    "Medical reviewers": ["images.view_image"],
}  # fmt: skip


forwards = grants.migration_step(GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_image_library"),
        ("reviews", "0010_editors_view_people"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
