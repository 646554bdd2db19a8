"""Random inspections (双随机) and inspections in the field."""
