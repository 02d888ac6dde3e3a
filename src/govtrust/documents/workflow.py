"""The lifecycle of an issued document, declared once.

    (issued at once: credit reports, screening certificates)
    draft ──publish──> issued        a criticism notice, drafted with its measure, edited and
                                     previewed, then rendered and put on the portal by the
                                     credit office (its number allocated then)
    draft ──edit─────> draft         the notice's title and requirements, before publication
    issued ─supersede─> superseded   a screening certificate issued again: the new one states
                                     that it replaces this one, which then verifies as replaced

`revoked` is kept for documents withdrawn outside the platform; no step leads there yet.
"""

from __future__ import annotations

from django.db import models

from govtrust.core.lifecycle import Transition, transitions
from govtrust.directory.policy import roles_for


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "待发布"  # a notice drafted with its measure; not rendered, not public
    ISSUED = "issued", "有效"  # rendered, stored, verifiable by its code
    REVOKED = "revoked", "已撤销"  # no longer valid; the verify page says so
    SUPERSEDED = "superseded", "已被替代"  # a newer issue replaces it; the verify page names it


TRANSITIONS = transitions(
    Transition(
        "publish",
        "发布",
        frozenset({DocumentStatus.DRAFT}),
        DocumentStatus.ISSUED,
        roles_for("notices.publish"),
    ),
    Transition(
        "edit",
        "修改草稿",
        frozenset({DocumentStatus.DRAFT}),
        DocumentStatus.DRAFT,
        roles_for("notices.publish"),
    ),
    Transition(
        "supersede",
        "替代",
        frozenset({DocumentStatus.ISSUED}),
        DocumentStatus.SUPERSEDED,
        roles_for("screening.run"),
    ),
)
