"""Stateless view functions shared by the pages."""
