# The API and worker image used by docker-compose.yml (Neo4j and Redis come from their own images).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir "uv>=0.13,<0.14" \
    && useradd --create-home --uid 10001 tiegraph
WORKDIR /srv/tiegraph

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-install-project
COPY . .
RUN uv sync --frozen && mkdir -p .tiegraph && chown -R tiegraph /srv/tiegraph

ENV PATH=/srv/tiegraph/.venv/bin:$PATH
USER tiegraph
EXPOSE 8000
CMD ["tiegraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
