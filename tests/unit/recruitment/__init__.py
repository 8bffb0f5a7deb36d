"""Unit tests of recruitment's domain: plain values and fakes, no Redis, no database."""
