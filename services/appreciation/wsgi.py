"""WSGI entry point for running appreciation on its own: gunicorn services.appreciation.wsgi:app"""

from services.appreciation import create_app

app = create_app()
