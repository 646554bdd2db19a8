"""yaojian (药监): the information platform of a provincial drug regulatory authority."""
