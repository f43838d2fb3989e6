"""Timeouts every request to a host starts from (loads no network library)."""

CONNECT_TIMEOUT = 10.0  # seconds to open a connection (TLS included)
READ_TIMEOUT = 30.0  # seconds to wait for each part of an answer; their sum is an attempt's deadline
