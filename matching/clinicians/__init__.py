"""Clinician accounts: sign-up pending approval, throttled login, password reset."""
