"""Kanal's content model, one module per page type.

Import rule: other modules import models from ``cms.models``, never from the submodules, so
the package can be reorganised without touching callers. Submodules may import each other
only through string references ("cms.ProgramPage") to avoid cycles.
"""

from ..events.models import Event, EventCounter
from ..representation.models import ApiCacheStamp
from .api import (
    SCOPE_READ_DRAFTS,
    SCOPE_READ_PRIVATE,
    SCOPE_WRITE_FEEDBACK,
    SCOPES,
    ApiKey,
    PageFeedback,
)
from .articles import ArticleIndexPage, ArticlePage, ArticlePageTag
from .base import KanalPage
from .home import HomePage
from .programs import (
    ProgramContact,
    ProgramIndexPage,
    ProgramMaterial,
    ProgramMeeting,
    ProgramPage,
    ProgramPageTag,
    ProgramRelatedPage,
)
from .review import ReviewReminder
from .snippets import OrganisationUnit, Person
from .videos import VideoIndexPage, VideoPage, VideoPageTag

__all__ = [
    "SCOPES",
    "SCOPE_READ_DRAFTS",
    "SCOPE_READ_PRIVATE",
    "SCOPE_WRITE_FEEDBACK",
    "ApiCacheStamp",
    "ApiKey",
    "ArticleIndexPage",
    "ArticlePage",
    "ArticlePageTag",
    "Event",
    "EventCounter",
    "HomePage",
    "KanalPage",
    "OrganisationUnit",
    "PageFeedback",
    "Person",
    "ProgramContact",
    "ProgramIndexPage",
    "ProgramMaterial",
    "ProgramMeeting",
    "ProgramPage",
    "ProgramPageTag",
    "ProgramRelatedPage",
    "ReviewReminder",
    "VideoIndexPage",
    "VideoPage",
    "VideoPageTag",
]
