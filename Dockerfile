FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_STATIC_ROOT=/srv/static
WORKDIR /srv/app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# Static files are collected into the image (whitenoise serves them); the debug key is only for this step.
RUN DJANGO_DEBUG=1 AFTERSALES_VAR_DIR=/tmp/var python manage.py collectstatic --no-input \
    && useradd --system --home /srv aftersales && mkdir -p /srv/var && chown -R aftersales /srv/var
USER aftersales
EXPOSE 8000
