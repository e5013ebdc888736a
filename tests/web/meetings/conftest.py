from tests.web.assessments.roles import login

__all__ = ["login"]
