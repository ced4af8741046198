"""Alt text or "decorative" for every image (WCAG 1.1.1), and captions for videos.

Article bodies' image blocks now hold Wagtail's ``ImageBlock`` (image, alt text, decorative)
instead of an image id with the alt text beside it. ``MoveAltTextIntoImage`` rewrites the
stored JSON of pages and their revisions (Wagtail's ``MigrateStreamData``) into
``{"image": id, "alt_text": text, "decorative": false}``. Where the editor left the alt text
empty ("use the image's own"), the image's own — its description, else its title, as
``default_alt_text`` — is written in, so the API shows what it showed before. Every block gets
the new shape: Wagtail's ``ImageBlock`` reads a page whose images are all ids or all dicts,
not a mix. Going back restores the old shape with the text beside the id.
"""

import wagtail.fields
from django.db import migrations, models
from django.utils.deconstruct import deconstructible
from wagtail.blocks.migrations.migrate_operation import MigrateStreamData
from wagtail.blocks.migrations.operations import BaseBlockOperation


@deconstructible
class MoveAltTextIntoImage(BaseBlockOperation):
    def __init__(self, image_model=None):
        super().__init__()
        self.image_model = image_model
        self.own_alt_texts = {}

    def own_alt_text(self, image_id):
        if self.image_model is None or not image_id:
            return ""
        if image_id not in self.own_alt_texts:
            row = self.image_model.objects.filter(pk=image_id).values("description", "title").first()
            self.own_alt_texts[image_id] = (row["description"] or row["title"]) if row else ""
        return self.own_alt_texts[image_id]

    def apply(self, block_value):
        if not isinstance(block_value, dict) or isinstance(block_value.get("image"), dict):
            return block_value
        value = {key: item for key, item in block_value.items() if key != "alt_text"}
        image_id = value.get("image")
        if image_id:
            alt_text = (block_value.get("alt_text") or "").strip() or self.own_alt_text(image_id)
            value["image"] = {"image": image_id, "alt_text": alt_text, "decorative": False}
        return value

    @property
    def operation_name_fragment(self):
        return "move_alt_text_into_image"


@deconstructible
class MoveAltTextOutOfImage(BaseBlockOperation):
    def apply(self, block_value):
        if not isinstance(block_value, dict) or not isinstance(block_value.get("image"), dict):
            return block_value
        inner = block_value["image"]
        value = dict(block_value)
        value["image"] = inner.get("image")
        value["alt_text"] = "" if inner.get("decorative") else inner.get("alt_text") or ""
        return value

    @property
    def operation_name_fragment(self):
        return "move_alt_text_out_of_image"


def forwards(apps, schema_editor):
    image_model = apps.get_model("wagtailimages", "Image")
    operation = MigrateStreamData(
        "cms", "articlepage", "body", [(MoveAltTextIntoImage(image_model), "image")]
    )
    operation.migrate_stream_data_forward(apps, schema_editor)


def backwards(apps, schema_editor):
    # MigrateStreamData has no reverse of its own: the inverse operation, forwards.
    operation = MigrateStreamData(
        "cms", "articlepage", "body", [(MoveAltTextOutOfImage(), "image")]
    )
    operation.migrate_stream_data_forward(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0007_school_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="photo_alt_text",
            field=models.CharField(
                blank=True,
                help_text="Beskriv fotot för den som inte ser det, t.ex. ”Anna Lind i klassrummet”.",
                max_length=250,
                verbose_name="alternativtext för fotot",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="photo_decorative",
            field=models.BooleanField(
                default=False,
                help_text="Kryssa i om fotot inte tillför något för den som inte ser det.",
                verbose_name="fotot är dekorativt",
            ),
        ),
        migrations.AddField(
            model_name="videopage",
            name="has_captions",
            field=models.BooleanField(
                default=False,
                help_text="Filmen har undertexter (textning) hos videotjänsten.",
                verbose_name="textad",
            ),
        ),
        migrations.AlterField(
            model_name="articlepage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("heading", 2),
                    ("paragraph", 3),
                    ("image", 6),
                    ("quote", 9),
                    ("video", 11),
                    ("documents", 15),
                    ("call_to_action", 20),
                    ("contact", 23),
                ],
                blank=True,
                block_lookup={
                    0: ("wagtail.blocks.CharBlock", (), {"label": "Rubrik", "max_length": 200}),
                    1: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {"choices": [("h2", "H2"), ("h3", "H3"), ("h4", "H4")], "label": "Nivå"},
                    ),
                    2: ("wagtail.blocks.StructBlock", [[("text", 0), ("level", 1)]], {}),
                    3: (
                        "wagtail.blocks.RichTextBlock",
                        (),
                        {
                            "features": [
                                "h2",
                                "h3",
                                "h4",
                                "bold",
                                "italic",
                                "ol",
                                "ul",
                                "link",
                                "document-link",
                            ],
                            "icon": "pilcrow",
                            "label": "Text",
                        },
                    ),
                    4: ("wagtail.images.blocks.ImageBlock", [], {"label": "Bild"}),
                    5: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Bildtext", "max_length": 300, "required": False},
                    ),
                    6: ("wagtail.blocks.StructBlock", [[("image", 4), ("caption", 5)]], {}),
                    7: ("wagtail.blocks.TextBlock", (), {"label": "Citat"}),
                    8: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Källa", "max_length": 200, "required": False},
                    ),
                    9: ("wagtail.blocks.StructBlock", [[("quote", 7), ("attribution", 8)]], {}),
                    10: ("cms.blocks.VideoURLBlock", (), {"label": "Videoadress"}),
                    11: ("wagtail.blocks.StructBlock", [[("url", 10), ("caption", 5)]], {}),
                    12: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Rubrik", "max_length": 200, "required": False},
                    ),
                    13: ("wagtail.documents.blocks.DocumentChooserBlock", (), {}),
                    14: ("wagtail.blocks.ListBlock", (13,), {"label": "Dokument"}),
                    15: ("wagtail.blocks.StructBlock", [[("heading", 12), ("documents", 14)]], {}),
                    16: ("wagtail.blocks.TextBlock", (), {"label": "Text", "required": False}),
                    17: ("wagtail.blocks.CharBlock", (), {"label": "Knapptext", "max_length": 60}),
                    18: (
                        "wagtail.blocks.PageChooserBlock",
                        (),
                        {"label": "Sida", "required": False},
                    ),
                    19: (
                        "wagtail.blocks.URLBlock",
                        (),
                        {"label": "Extern adress", "required": False},
                    ),
                    20: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("title", 0),
                                ("text", 16),
                                ("button_label", 17),
                                ("page", 18),
                                ("url", 19),
                            ]
                        ],
                        {},
                    ),
                    21: (
                        "wagtail.snippets.blocks.SnippetChooserBlock",
                        ("cms.Person",),
                        {"label": "Person"},
                    ),
                    22: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Kommentar", "max_length": 200, "required": False},
                    ),
                    23: ("wagtail.blocks.StructBlock", [[("person", 21), ("note", 22)]], {}),
                },
                verbose_name="brödtext",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
