import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yaojian.settings")
application = get_wsgi_application()

# Keys the server sets from the request itself, whatever the process environment holds.
_REQUEST_KEYS = frozenset(
    {"REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING", "SERVER_NAME",
     "SERVER_PORT", "SERVER_PROTOCOL", "REMOTE_ADDR", "REMOTE_PORT"}
)  # fmt: skip


def without_server_environment(app):
    """The application, minus the server process's own environment variables in each request.

    granian starts every request's environ from a copy of `os.environ`, as CGI did: the
    secret key, the field key and the database URL with its password would be in
    `request.META`, and Django's error reports print `META` (its filter hides names with KEY
    or SECRET, not a password inside a URL). A variable the request itself sets (a header
    the client sent, say) differs from the process's value and is kept."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in _REQUEST_KEYS and not key.startswith("wsgi.")
    }

    def served(environ, start_response):
        for key, value in inherited.items():
            if environ.get(key) == value:
                del environ[key]
        return app(environ, start_response)

    return served


# What `yaojian serve` (granian) runs.
served_application = without_server_environment(application)
