"""The party's ID number: stored SM4-encrypted with a keyed hash (never in plain in any column),
shown masked, still found by a search for it; the migration encrypts numbers stored in plain."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from yaojian.core.errors import ValidationFailed
from yaojian.enforcement import selectors, services
from yaojian.enforcement.models import Case
from yaojian.testing import factories

from . import factories as f

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"
OTHER_ID = "110105198001011238"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person_case(officers, *, id_number: str = ID) -> Case:
    shop = factories.EnterpriseFactory(region_code="360102", name="李四个体诊所")
    clue = f.source(officers[0], shop)
    return services.case_propose(
        actor=officers[0],
        source_id=clue.pk,
        title="李四涉嫌违规案",
        officer_ids=[o.pk for o in officers],
        party_kind="natural_person",
        party_name="李四",
        party_id_number=id_number,
        provision="dal-130",
    )


def stored_row(case: Case) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Case._meta.db_table} WHERE id = %s", [case.pk])
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_no_column_holds_the_plain_number(officers):
    case = person_case(officers, id_number=ID.lower())  # typed with a small x
    row = stored_row(case)
    assert "party_id_number" not in row  # the plain column is gone
    assert not any(ID in str(value).upper() for value in row.values())
    assert row["party_id_number_enc"].startswith("sm4gcm:")
    assert len(row["party_id_number_hash"]) == 64
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.party_id_number() == ID
    assert fresh.party_id_number_masked == ID[:6] + "********" + ID[-4:]


def test_the_ciphertext_is_bound_to_its_hash(officers):
    from cryptography.exceptions import InvalidTag

    case = Case.objects.get(pk=person_case(officers).pk)
    other = Case.objects.get(pk=person_case(officers, id_number=OTHER_ID).pk)
    # a ciphertext copied onto another row does not decrypt there
    case.party_id_number_enc = other.party_id_number_enc
    with pytest.raises(InvalidTag):
        case.party_id_number()


def test_an_organisation_has_no_id_number_and_a_bad_number_is_refused(officers, donghu):
    case = f.proposed(officers, donghu)
    row = stored_row(case)
    assert row["party_id_number_enc"] == "" and row["party_id_number_hash"] == ""
    assert Case.objects.get(pk=case.pk).party_id_number() == ""
    with pytest.raises(ValidationFailed) as error:
        person_case(officers, id_number=ID[:-1] + "1")
    assert "party_id_number" in error.value.errors


def test_the_case_page_shows_the_number_masked(officers):
    case = person_case(officers)
    page = client_for(officers[0]).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="party-id-number"' in page
    assert ID[:6] + "********" + ID[-4:] in page
    assert ID not in page and ID[6:14] not in page  # the birth date is hidden


def test_a_search_by_id_number_finds_the_case(officers, other_county_regulator):
    case = person_case(officers)
    other = person_case(officers, id_number=OTHER_ID)
    assert list(selectors.case_list(officers[0], query=ID)) == [case]
    assert list(selectors.case_list(officers[0], query=f" {ID.lower()} ")) == [case]
    assert list(selectors.case_list(officers[0], query=OTHER_ID)) == [other]
    assert list(selectors.case_list(other_county_regulator, query=ID)) == []
    # the page and the API search the same way
    page = client_for(officers[0]).get("/workbench/enforcement/", {"q": ID}).content.decode()
    assert case.number in page or case.title in page
    assert f"/workbench/enforcement/cases/{case.pk}/" in page
    assert f"/workbench/enforcement/cases/{other.pk}/" not in page
    api = client_for(officers[0]).get("/api/v1/enforcement/cases", {"q": ID})
    assert api.status_code == 200
    assert [item["id"] for item in api.json()["items"]] == [case.pk]
    # a number that is not a valid ID does not match by hash (nor leaks a match)
    assert list(selectors.case_list(officers[0], query=ID[:-1] + "1")) == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_plain_numbers(officers):
    """Back to 0001 (the plain column), a row with a plain number, forward again."""
    from django.db.migrations.executor import MigrationExecutor

    before = [("enforcement", "0001_initial")]
    after = [("enforcement", "0002_party_id_number_encrypted")]
    organisation = f.proposed(officers, factories.EnterpriseFactory(region_code="360102"))
    clue = f.source(officers[0], factories.EnterpriseFactory(region_code="360102"))
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("enforcement", "Case")
        assert old.objects.get(pk=organisation.pk).party_id_number == ""
        plain = old.objects.create(
            source_id=clue.pk,
            source_kind=clue.kind,
            enterprise_id=clue.enterprise_id,
            bureau_id=clue.bureau_id,
            region_code=clue.region_code,
            title="王五涉嫌违规案",
            party_kind="natural_person",
            party_name="王五",
            party_id_number=ID,
        )
        assert ID in str(stored_row(plain).values())
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    row = stored_row(plain)
    assert "party_id_number" not in row
    assert not any(ID in str(value) for value in row.values())
    case = Case.objects.get(pk=plain.pk)
    assert case.party_id_number() == ID
    assert list(selectors.case_list(officers[0], query=ID)) == [case]
    assert Case.objects.get(pk=organisation.pk).party_id_number_enc == ""
