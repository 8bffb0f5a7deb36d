"""WSGI entry point for running notifications on its own: gunicorn services.notifications.wsgi:app"""

from services.notifications import create_app

app = create_app()
