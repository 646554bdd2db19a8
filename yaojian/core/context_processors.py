from django.conf import settings


def platform(request):
    user = getattr(request, "user", None)
    authenticated = bool(user and user.is_authenticated)
    unread = 0
    if authenticated:
        from yaojian.workbench.selectors import unread_count

        unread = unread_count(user)
    return {
        "platform_name": settings.YAOJIAN_PLATFORM_NAME,
        "demo_mode": settings.DEMO_MODE,
        "is_regulator": bool(authenticated and user.is_regulator),
        "unread_messages": unread,
    }
