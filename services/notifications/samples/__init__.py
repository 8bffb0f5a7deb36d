"""A valid sample payload of every event contract: the template previews show them, tests build from them."""

from services.notifications.samples import appreciation, privacy, recruitment

SAMPLES = {**recruitment.SAMPLES, **appreciation.SAMPLES, **privacy.SAMPLES}
