"""The syndication manager (group Syndikeringsansvarig, seeded by cms's school-roles migration)
looks after what crosses to the outside world: sources and their imports, push targets and
what was pushed, webhook endpoints and their deliveries."""

from django.db import migrations

GROUP = "Syndikeringsansvarig"
CRUD = ("add", "change", "delete", "view")
PERMISSIONS = [
    *[("source", f"{action}_source") for action in CRUD],
    ("importeditem", "view_importeditem"),
    *[("pushtarget", f"{action}_pushtarget") for action in CRUD],
    ("pushdelivery", "view_pushdelivery"),
    ("syndicationrecord", "view_syndicationrecord"),
    *[("webhookendpoint", f"{action}_webhookendpoint") for action in CRUD],
    ("delivery", "view_delivery"),
]


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for model, codename in PERMISSIONS:
        # A fresh database has no permissions until post_migrate: create what is missing.
        content_type, _ = ContentType.objects.get_or_create(app_label="syndication", model=model)
        action = codename.partition("_")[0]
        perm, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": f"Can {action} {model}"}
        )
        group.permissions.add(perm)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        codenames = [codename for _, codename in PERMISSIONS]
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="syndication", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("syndication", "0006_endpoint_private_content"),
        ("cms", "0007_school_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
