"""The party's ID number is kept SM4-encrypted with a keyed hash, as the registry keeps people's.

Existing plain numbers are encrypted in place (the hash is the registry's HMAC-SM3 under the
field key, the ciphertext bound to it as associated data), then the plain column is dropped.
Going back decrypts into the plain column again.
"""

from django.db import migrations, models

BATCH = 500


def _context(digest: str) -> bytes:
    # as yaojian.enforcement.models.party_id_context (kept here: a migration does not follow
    # later changes of the code)
    return f"penalty-party:{digest}".encode()


def encrypt_plain_numbers(apps, schema_editor):
    from yaojian.core import crypto

    Case = apps.get_model("enforcement", "Case")
    rows = Case.objects.exclude(party_id_number="").only("pk", "party_id_number")
    batch = []
    for case in rows.iterator(chunk_size=BATCH):
        number = case.party_id_number.strip().upper()
        digest = crypto.hmac_sm3(crypto.field_key(), number.encode())
        case.party_id_number_hash = digest
        case.party_id_number_enc = crypto.sm4_encrypt(number, context=_context(digest))
        case.party_id_number = ""
        batch.append(case)
        if len(batch) >= BATCH:
            Case.objects.bulk_update(
                batch, ["party_id_number", "party_id_number_enc", "party_id_number_hash"]
            )
            batch = []
    if batch:
        Case.objects.bulk_update(
            batch, ["party_id_number", "party_id_number_enc", "party_id_number_hash"]
        )


def decrypt_to_plain(apps, schema_editor):
    from yaojian.core import crypto

    Case = apps.get_model("enforcement", "Case")
    rows = Case.objects.exclude(party_id_number_enc="").only(
        "pk", "party_id_number_enc", "party_id_number_hash"
    )
    batch = []
    for case in rows.iterator(chunk_size=BATCH):
        case.party_id_number = crypto.sm4_decrypt(
            case.party_id_number_enc, context=_context(case.party_id_number_hash)
        )
        batch.append(case)
        if len(batch) >= BATCH:
            Case.objects.bulk_update(batch, ["party_id_number"])
            batch = []
    if batch:
        Case.objects.bulk_update(batch, ["party_id_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="party_id_number_enc",
            field=models.CharField(
                blank=True,
                max_length=200,
                verbose_name="party's ID number (natural persons, encrypted)",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="party_id_number_hash",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.RunPython(encrypt_plain_numbers, decrypt_to_plain),
        migrations.RemoveField(
            model_name="case",
            name="party_id_number",
        ),
    ]
