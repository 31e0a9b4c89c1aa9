"""Open Referral HSDS 3.0: the read-only API, exports and imports."""
