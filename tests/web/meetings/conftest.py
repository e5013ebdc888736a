from tests.web.assessments.roles import fast_passwords, login

__all__ = ["fast_passwords", "login"]
