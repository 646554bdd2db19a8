"""双随机、一公开: the inspection item list, the entity and inspector pools, plans and reproducible draws."""
