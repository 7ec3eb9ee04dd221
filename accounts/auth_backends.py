"""allauth's authentication backend, with one password hash per login attempt whatever the
login names.

allauth's login form passes an e-mail address both as ``email`` and as ``username`` (a
username could look like an address), and its backend tries the string as an address for
each of them: a known address with a wrong password was hashed twice, an unknown one once
(the timing-attack mitigation). The time of the answer told whether an address has an
account (587 against 333 ms, measured). Here each user's password is checked at most once
per attempt, so every failed attempt costs exactly one hash: a known name one check, an
unknown name allauth's mitigation hash (bench/bench_enumeration.py measures it)."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend


class AuthenticationBackend(AllauthBackend):
    def authenticate(self, request, **credentials):
        self._checked: set = set()
        return super().authenticate(request, **credentials)

    def _check_password(self, user, password):
        if user is not None:
            if user.pk in self._checked:
                # Already checked in this attempt (and not accepted, or it would have
                # returned): a second hash would only make known names slower.
                self._did_check_password = True
                return None
            self._checked.add(user.pk)
        return super()._check_password(user, password)
