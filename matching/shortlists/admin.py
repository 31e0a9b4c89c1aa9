"""Shortlists are deliberately not in the admin.

They hold clinicians' notes about patients, and staff need none of it to run the site.
"""
