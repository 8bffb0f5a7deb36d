"""WSGI entry point for running recruitment on its own: gunicorn services.recruitment.wsgi:app"""

from services.recruitment import create_app

app = create_app()
