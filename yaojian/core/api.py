from ninja import Router

from yaojian.core import regions
from yaojian.core.schemas import Region, with_problems

router = Router(tags=["reference data"])


@router.get(
    "/regions",
    response=with_problems(list[Region], 422),
    auth=None,
    summary="Administrative divisions of the province",
)
def region_list(request, parent: str | None = None):
    """The province's current GB/T 2260 divisions; `parent` gives one division's children."""
    divisions = regions.divisions().values()
    if parent:
        divisions = [r for r in divisions if r.parent_code == parent]
    return [
        {
            "code": r.code,
            "name": r.name,
            "name_en": r.name_en,
            "level": r.level,
            "parent_code": r.parent_code,
        }
        for r in divisions
    ]
