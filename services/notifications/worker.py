"""Celery entry point: celery -A services.notifications.worker worker -Q notifications"""

from services.notifications import create_app

celery_app = create_app().extensions["celery"]
