"""WSGI entry point for running notifications on its own: gunicorn services.notifications.wsgi:app"""

from services.notifications import create_app
from shared.heap import freeze_startup_heap

app = create_app()
freeze_startup_heap()
