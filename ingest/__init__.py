"""Ingestion: parsers from source files to `InteractionRecord`s, and the jobs that write them."""
