"""The signed session cookie people log in with, shared by the three services behind one host.

Flask signs its session with HMAC-SHA1 by default; ours uses SHA-256, a salt of its own, and the same
key list as every other signature (the newest key signs). Only pages use it: API paths accept only
API tokens, so a cookie can never make a cross-site request to the API count as authenticated.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

COOKIE_NAME = "knoop_session"
LIFETIME = timedelta(hours=8)


class Sha256SessionInterface(SecureCookieSessionInterface):
    salt = "knoop-session"
    digest_method = staticmethod(hashlib.sha256)


def install_sessions(app: Flask, production: bool) -> None:
    app.session_interface = Sha256SessionInterface()
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        PERMANENT_SESSION_LIFETIME=LIFETIME,
    )
