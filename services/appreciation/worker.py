"""Celery entry point: celery -A services.appreciation.worker worker -Q appreciation"""

from services.appreciation import create_app

celery_app = create_app().extensions["celery"]
