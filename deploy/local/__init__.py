"""Running Knoop on one machine: the one-port gateway, the SMTP sink and the `make run` supervisor."""
