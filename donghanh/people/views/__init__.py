"""Pages of the people registry: `registry` (the list, registration, a person's page and the forms that change
it) and `records` (a person's sensitive records)."""
