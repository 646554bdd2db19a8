from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django_tasks import task


@task()
def send_message_email(message_id: int) -> None:
    from yaojian.workbench.models import Message

    message = Message.objects.select_related("recipient").filter(pk=message_id).first()
    if message is None or message.emailed_at or not message.recipient.email:
        return
    # written in the language the recipient last used the platform in
    with translation.override(message.recipient.language or settings.LANGUAGE_CODE):
        send_mail(
            subject=f"[{settings.YAOJIAN_PLATFORM_NAME}] {message.subject_text}",
            message=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[message.recipient.email],
        )
    message.emailed_at = timezone.now()
    message.save(update_fields=["emailed_at"])
