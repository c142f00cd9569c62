"""GraphQL types, each built from a domain model by `from_domain()`."""
