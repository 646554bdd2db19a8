from django_tasks import task


@task()
def render_pdf(elicence_id: int) -> str:
    """Render and store an e-licence's PDF after its issue (downloads render it if missing)."""
    from yaojian.elicence import services
    from yaojian.elicence.models import ElectronicLicence

    elicence = ElectronicLicence.objects.select_related("key").filter(pk=elicence_id).first()
    return services.ensure_pdf(elicence) if elicence else ""
