"""The HTTP and GraphQL transport. It only translates; the logic lives in graph/ and scoring/."""
