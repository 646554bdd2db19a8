from datetime import timedelta

from django_tasks import task

from yaojian.core import scheduling


@scheduling.register("audit.verify_chain", every=timedelta(days=1))
@task()
def verify_chain_nightly() -> dict:
    """Check the chain every night; tell every audit administrator if it is broken."""
    from yaojian.accounts.choices import Role
    from yaojian.accounts.models import User
    from yaojian.audit.services import verify_chain
    from yaojian.workbench.services import notify

    report = verify_chain()
    if not report.ok:
        for auditor in User.objects.filter(role_assignments__role=Role.AUDIT_ADMIN, is_active=True):
            notify(
                auditor,
                source="audit",
                subject=f"审计日志链校验失败 / Audit chain broken at #{report.first_broken_seq}",
                body=report.reason,
            )
    return {"ok": report.ok, "checked": report.checked, "first_broken_seq": report.first_broken_seq}
