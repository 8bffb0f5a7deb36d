"""Celery entry point: celery -A services.recruitment.worker worker -Q recruitment"""

from services.recruitment import create_app

celery_app = create_app().extensions["celery"]
