"""The network's uploaded logo: checked by what the file is (not what it is called), kept in the
database, served at a public address that becomes the network's logo_url for its e-mails."""

from __future__ import annotations

import hashlib
import io

from sqlalchemy.orm import Session

from services.recruitment import domain
from services.recruitment.models import Network, NetworkLogo
from services.recruitment.usecases.registry import update_network
from shared.db import utcnow

MAX_LOGO_BYTES = 512 * 1024
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class LogoRefused(domain.DomainError):
    """The upload is not a logo we serve: too big, or not a PNG or JPEG image."""


def logo_type(data: bytes) -> str:
    """The file's real type from its first bytes, confirmed by decoding it; else LogoRefused."""
    if len(data) > MAX_LOGO_BYTES:
        raise LogoRefused("The logo may be at most 512 KB.")
    kind = next((t for sig, t in SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        raise LogoRefused("The logo must be a PNG or JPEG image.")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # a truncated or forged file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise LogoRefused("The logo must be a PNG or JPEG image.") from None
    return kind


def store_logo(session: Session, network_id: str, data: bytes, address: str) -> Network:
    """Keep the logo and point the network's logo_url at it (the same change, and event, as
    setting logo_url through the API). The address carries a digest, so mail clients that kept
    the old logo fetch the new one."""
    kind = logo_type(data)
    logo = session.get(NetworkLogo, network_id) or NetworkLogo(network_id=network_id)
    logo.content_type, logo.data, logo.updated_at = kind, data, utcnow()
    session.add(logo)
    digest = hashlib.sha256(data).hexdigest()[:12]
    return update_network(session, network_id, {"logo_url": f"{address}?v={digest}"})


def logo_of(session: Session, network_id: str) -> NetworkLogo | None:
    return session.get(NetworkLogo, network_id)
