"""Clinician shortlists: build, annotate, share with a patient."""
