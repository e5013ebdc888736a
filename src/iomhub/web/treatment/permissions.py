"""Access to treatment pages: the rules of ``assessments.permissions`` (visibility in one place)."""

from iomhub.web.assessments.permissions import Refused, case_worker_required, visible_nominal, visible_people

__all__ = ["Refused", "case_worker_required", "visible_nominal", "visible_people"]
