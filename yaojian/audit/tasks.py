from datetime import timedelta

from django.utils.translation import gettext as _
from django_tasks import task

from yaojian.core import scheduling


@scheduling.register("audit.verify_chain", every=timedelta(days=1))
@task()
def verify_chain_nightly() -> dict:
    """Check the chain every night; tell every audit administrator if it is broken."""
    from yaojian.accounts.choices import Role
    from yaojian.accounts.models import User
    from yaojian.audit.services import verify_chain
    from yaojian.workbench.services import each_language, notify

    report = verify_chain()
    if not report.ok:
        # in every language, each auditor reading their own (the reason is technical English)
        subject = each_language(
            lambda: _("Audit chain broken at #%(seq)s") % {"seq": report.first_broken_seq}
        )
        for auditor in User.objects.filter(role_assignments__role=Role.AUDIT_ADMIN, is_active=True):
            notify(auditor, source="audit", subject=subject, body=report.reason)
    return {"ok": report.ok, "checked": report.checked, "first_broken_seq": report.first_broken_seq}
