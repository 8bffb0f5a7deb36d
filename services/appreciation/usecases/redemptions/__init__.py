"""Redemption of offers: the one path pages and tills call (counter.py), the race-free hot path
(redeem.py, slots.py) and its statements, the tills' stored answers, and the figures."""
