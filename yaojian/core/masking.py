"""One masking function per kind of personal data, used by pages, exports and logs alike."""

from __future__ import annotations

MASK = "*"


def mask_id_number(value: str | None) -> str:
    """110105********1234: keep the region (6) and the last 4, hide the birth date."""
    if not value:
        return ""
    if len(value) <= 10:
        return MASK * len(value)
    return value[:6] + MASK * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678; a number of 7 characters or fewer is hidden entirely."""
    if not value:
        return ""
    if len(value) <= 7:  # keeping 3 in front and 4 behind would hide nothing
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """张*, 欧阳**, J*** S****: the first character of each part."""
    if not value:
        return ""
    if " " in value.strip():
        return " ".join(part[:1] + MASK * (len(part) - 1) for part in value.split())
    return value[:1] + MASK * max(len(value) - 1, 1)


def mask_email(value: str | None) -> str:
    if not value or "@" not in value:
        return mask_name(value)
    local, domain = value.split("@", 1)
    return local[:1] + MASK * max(len(local) - 1, 1) + "@" + domain


def mask_address(value: str | None, keep: int | None = None) -> str:
    """Keep the administrative part (province, city, county) and hide the street and number.

    '江西省南昌市东湖区八一大道1号' -> '江西省南昌市东湖区****'. Only whole names of current
    divisions (GB/T 2260, all of China) are kept, at most `keep` characters of them; an
    address that does not start with one is hidden entirely. Four masks stand for the rest,
    whatever its length.
    """
    if not value:
        return ""
    kept = _administrative_prefix(value)
    if keep is not None:
        kept = kept[:keep]
    return kept + MASK * 4


def _administrative_prefix(value: str) -> str:
    from yaojian.core import regions

    names = regions.national_division_names()
    position = 0
    for level in (regions.PROVINCE, regions.CITY, regions.COUNTY):
        candidates = names[level]
        longest = min(max(map(len, candidates), default=0), len(value) - position)
        for length in range(longest, 1, -1):
            if value[position : position + length] in candidates:
                position += length
                break
    return value[:position]


MASKERS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "name": mask_name,
    "email": mask_email,
    "address": mask_address,
}


def mask(kind: str, value: str | None) -> str:
    return MASKERS[kind](value)
