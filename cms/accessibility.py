"""Kanal's rules for Wagtail's content checker (the Axe-based accessibility checker).

Wagtail runs Axe on the page preview in the editor's "Checks" panel and from the userbar.
``KanalContentCheckerItem`` adds Kanal's own rules to Wagtail's selection
(``construct_wagtail_userbar`` in ``cms/wagtail_hooks.py`` swaps it in wherever Wagtail puts
its checker):

* ``image-alt`` (Axe's own, critical): every image has alt text or is marked decorative;
* ``kanal-video-text-alternative``: a video needs a transcript or captions (WCAG 1.2.2,
  1.2.3). The HTML view marks the video ``[data-kanal-video]`` and its transcript or captions
  note ``[data-kanal-transcript]`` / ``[data-kanal-captions]`` (``cms/templates/cms/page.html``);
  the rule uses Axe's built-in ``has-descendant`` evaluation, so no script of ours runs in the
  editor (Wagtail passes checks as JSON: only named evaluations can be used).

Subclasses ``ContentCheckerItem``: Wagtail 8 deprecates subclassing ``AccessibilityItem``,
its old name.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.userbar import ContentCheckerItem

VIDEO_RULE = "kanal-video-text-alternative"
VIDEO_CHECK = "kanal-has-transcript-or-captions"


class KanalContentCheckerItem(ContentCheckerItem):
    axe_run_only = [*ContentCheckerItem.axe_run_only, "image-alt", VIDEO_RULE]
    axe_custom_rules = [
        *ContentCheckerItem.axe_custom_rules,
        {
            "id": VIDEO_RULE,
            "impact": "serious",
            "selector": "[data-kanal-video]",
            "tags": ["wcag2a", "wcag122", "wcag123", "kanal"],
            "any": [VIDEO_CHECK],
            "enabled": True,
        },
    ]
    axe_custom_checks = [
        *ContentCheckerItem.axe_custom_checks,
        {
            "id": VIDEO_CHECK,
            "evaluate": "has-descendant-evaluate",
            "options": {"selector": "[data-kanal-transcript], [data-kanal-captions]"},
        },
    ]
    axe_messages = {
        **ContentCheckerItem.axe_messages,
        "image-alt": {
            "error_name": _("Image without alt text"),
            "help_text": _("Write alt text or mark the image as decorative"),
        },
        VIDEO_RULE: {
            "error_name": _("The video has no transcript or captions"),
            "help_text": _("Add a transcript, or state that the video has captions"),
        },
    }


def use_kanal_checker(items: list) -> None:
    """Replace Wagtail's checker item in a userbar item list with Kanal's (in place)."""
    for index, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(item, KanalContentCheckerItem):
            items[index] = KanalContentCheckerItem(in_editor=item.in_editor)
