"""Admin logins throttled by django-axes (settings: AXES_*), through the authentication backend
that axes provides."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a login while its account and address are locked out; logs nobody in itself (the
    next backend does). A login without a request (a script's or a test's `authenticate()`) is
    not an attempt over HTTP: there is nothing to throttle, and axes' own backend would refuse
    it with an error."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
