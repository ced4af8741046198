"""The groups a school administration needs, so every install has them.

- Redaktör (editor): creates and edits pages anywhere in the content tree and submits them for
  moderation; uploads and chooses images and documents; keeps people and organisation units;
  reads the readers' feedback.
- Granskare (moderator): what an editor does to pages, plus publish, unpublish, lock and
  unlock; approves in Wagtail's default "Moderators approval" task; reads and deletes feedback.
- Syndikeringsansvarig (syndication manager): API keys and theme aliases here; the
  syndication app's migration adds its sources, push targets and webhooks.

Administrators are superusers and keep everything. The data is frozen here (a migration must
not follow later code); the tests in ``tests/cms/test_roles.py`` state what each role can and
cannot reach. Re-running is harmless: everything is get-or-create, and nothing an
administrator added to a group is taken away, except on reversal.
"""

from django.db import migrations

EDITOR, MODERATOR, SYNDICATION = "Redaktör", "Granskare", "Syndikeringsansvarig"
ROOT_TASK = "Moderators approval"

# group -> [(app_label, model, codename)]
MODEL_PERMISSIONS = {
    EDITOR: [
        ("wagtailadmin", "admin", "access_admin"),
        *[("cms", "person", f"{a}_person") for a in ("add", "change", "delete", "view")],
        *[
            ("cms", "organisationunit", f"{a}_organisationunit")
            for a in ("add", "change", "delete", "view")
        ],
        ("cms", "pagefeedback", "view_pagefeedback"),
    ],
    MODERATOR: [
        ("wagtailadmin", "admin", "access_admin"),
        ("cms", "person", "view_person"),
        ("cms", "organisationunit", "view_organisationunit"),
        ("cms", "pagefeedback", "view_pagefeedback"),
        ("cms", "pagefeedback", "delete_pagefeedback"),
    ],
    SYNDICATION: [
        ("wagtailadmin", "admin", "access_admin"),
        *[("cms", "apikey", f"{a}_apikey") for a in ("add", "change", "delete", "view")],
        ("themes", "theme", "view_theme"),
        *[("themes", "themealias", f"{a}_themealias") for a in ("add", "change", "delete", "view")],
    ],
}

# Page permissions on the tree's root page (depth 1): every site, present and future.
PAGE_PERMISSIONS = {
    EDITOR: ["add_page", "change_page"],
    MODERATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}

# Collection permissions on the root collection (every collection below it too).
MEDIA = [
    ("wagtailimages", "image", "add_image"),
    ("wagtailimages", "image", "change_image"),
    ("wagtailimages", "image", "choose_image"),
    ("wagtaildocs", "document", "add_document"),
    ("wagtaildocs", "document", "change_document"),
    ("wagtaildocs", "document", "choose_document"),
]
COLLECTION_PERMISSIONS = {EDITOR: MEDIA, MODERATOR: MEDIA}


def permission(apps, app_label, model, codename):
    """Permissions are normally created after all migrations ran (``post_migrate``); a fresh
    database has none yet, so create what is missing as Django would."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    action, _, _rest = codename.partition("_")
    name = f"Can {action} {model}" if action in ("add", "change", "delete", "view") else codename
    perm, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return perm


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in MODEL_PERMISSIONS}
    for name, perms in MODEL_PERMISSIONS.items():
        groups[name].permissions.add(*(permission(apps, *p) for p in perms))

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    if root_page is not None:
        for name, codenames in PAGE_PERMISSIONS.items():
            for codename in codenames:
                GroupPagePermission.objects.get_or_create(
                    group=groups[name],
                    page=root_page,
                    permission=permission(apps, "wagtailcore", "page", codename),
                )
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    if root_collection is not None:
        for name, perms in COLLECTION_PERMISSIONS.items():
            for perm in perms:
                GroupCollectionPermission.objects.get_or_create(
                    group=groups[name],
                    collection=root_collection,
                    permission=permission(apps, *perm),
                )
    if root_page is not None:
        assign_moderation(apps, groups[MODERATOR], root_page)


def assign_moderation(apps, moderators, root_page):
    """Granskare approve in Wagtail's default task; an install that deleted it gets it back,
    in a workflow on the root page (unless the root page already has one)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    task = GroupApprovalTask.objects.filter(name=ROOT_TASK).order_by("pk").first()
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(
            name=ROOT_TASK, content_type=content_type, active=True
        )
        workflow = Workflow.objects.create(name=ROOT_TASK, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        if not WorkflowPage.objects.filter(page=root_page).exists():
            WorkflowPage.objects.create(workflow=workflow, page=root_page)
    task.groups.add(moderators)


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(MODEL_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_content_page_unit_review_reminder"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("themes", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
