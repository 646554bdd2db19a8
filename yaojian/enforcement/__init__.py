"""Administrative penalty cases from source to closure."""
