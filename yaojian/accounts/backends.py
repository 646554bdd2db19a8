from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PolicyBackend(ModelBackend):
    """The model backend, refusing accounts that are locked out (whatever the login path).

    A lockout stops new logins only: sessions already open stay open (the administrators end
    them by disabling the account or resetting its second factor), so that somebody else's
    wrong passwords cannot throw the account's owner out in the middle of their work.
    """

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not user.is_locked()

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.get(pk=user_id)
        except model.DoesNotExist:
            return None
        # Disabled accounts are refused; locked ones keep their open sessions.
        return user if super().user_can_authenticate(user) else None
