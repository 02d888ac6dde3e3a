"""The lifecycle of an issued document, declared once.

    (issued at once: credit reports, screening certificates)
    draft ──publish──> issued        a criticism notice, drafted with its measure, rendered and
                                     put on the portal by the credit office

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


TRANSITIONS = transitions(
    Transition(
        "publish",
        "发布",
        frozenset({DocumentStatus.DRAFT}),
        DocumentStatus.ISSUED,
        roles_for("notices.publish"),
    ),
)
