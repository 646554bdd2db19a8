"""Numbers the hall gives out: application numbers and licence numbers in the official format."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yaojian.licensing.models import NumberSequence
from yaojian.registry import formats
from yaojian.registry.choices import DRUG_TRADING_CLASS_OF, LicenceKind
from yaojian.registry.models import Licence
from yaojian.registry.services.licences import validate_number

K = LicenceKind
CLASS_LETTER = {value: letter for letter, value in formats.DRUG_TRADING_CLASS.items()}


def _next(series: str) -> int:
    with transaction.atomic():
        sequence, _ = NumberSequence.objects.select_for_update().get_or_create(series=series)
        sequence.last += 1
        sequence.save(update_fields=["last"])
        return sequence.last


def application_number() -> str:
    today = timezone.localdate()
    return f"YJ{today:%Y%m%d}{_next(f'application:{today:%Y%m%d}'):05d}"


def licence_number(kind: str, region_code: str) -> str:
    """The next free number of the kind's series for an enterprise in `region_code`."""
    province = formats.PROVINCE_ABBREVIATIONS[region_code[:2]]
    city4 = region_code[:4]
    city = formats.CITY_ABBREVIATIONS.get(city4, "")
    year = timezone.localdate().year
    for _attempt in range(10_000):
        if kind in DRUG_TRADING_CLASS_OF:
            letter = CLASS_LETTER[DRUG_TRADING_CLASS_OF[kind]]
            number = f"{province}{letter}A{city4}{_next(f'{kind}:{city4}'):05d}"
        elif kind == K.DRUG_MANUFACTURING:
            number = f"{province}{year}{_next(f'{kind}:{year}'):04d}"
        elif kind in (K.DEVICE_TRADING_III, K.DEVICE_TRADING_II):
            word = "备" if kind == K.DEVICE_TRADING_II else "许"
            number = (
                f"{province}{city}药监械经营{word}{year}{_next(f'{kind}:{city4}:{year}'):04d}号"
            )
        elif kind == K.DEVICE_MANUFACTURING:
            number = f"{province}药监械生产许{year}{_next(f'{kind}:{year}'):04d}号"
        elif kind == K.COSMETICS_MANUFACTURING:
            number = f"{province}妆{year}{_next(f'{kind}:{year}'):04d}"
        elif kind == K.ONLINE_DRUG_SALES:
            number = f"({province})网药销备字[{year}]第{_next(f'{kind}:{year}'):06d}号"
        else:
            raise ValidationError(f"no number series for {kind}")
        number = validate_number(kind, number)
        if not Licence.objects.filter(number=number).exists():  # numbers entered before the hall
            return number
    raise ValidationError(f"the number series of {kind} in {city4} is exhausted")
