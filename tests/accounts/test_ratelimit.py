from django.test import RequestFactory

from localdigital.accounts.ratelimit import client_ip


class TestClientIp:
    def test_is_the_connections_address_when_no_proxy_is_trusted(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.7"
        )
        assert client_ip(request) == "10.0.0.9"

    def test_is_the_address_the_trusted_proxy_saw_when_behind_one(self, settings):
        """Addresses the visitor wrote into X-Forwarded-For themselves are ignored."""
        settings.TRUSTED_PROXY_COUNT = 1
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
        )
        assert client_ip(request) == "203.0.113.7"

    def test_counts_back_one_hop_per_trusted_proxy(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7, 10.0.0.2"
        )
        assert client_ip(request) == "203.0.113.7"
