"""Reusable widgets and small widget helpers; they know no page."""
