"""The GraphQL schema: types in `types/`, resolvers in `schema.py`."""
