FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libxmlsec1-openssl libpango-1.0-0 libpangoft2-1.0-0 graphviz gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt -e .
COPY . .
RUN DEBUG=true python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
