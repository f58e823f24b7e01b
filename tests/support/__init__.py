"""Helpers the tests of more than one app share."""
