# Viva in a container: `docker compose up` runs it with PostgreSQL (compose.yaml); alone it uses SQLite in /data.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIVA_BANKS=/app/data/banks \
    VIVA_DB=/data/viva.db

WORKDIR /app
COPY pyproject.toml requirements.lock README.md ./
COPY bot ./bot
RUN pip install --no-cache-dir -c requirements.lock .
COPY data ./data

RUN useradd --create-home --uid 10001 viva && mkdir /data && chown viva /data
USER viva
VOLUME ["/data"]

CMD ["python", "-m", "bot"]
