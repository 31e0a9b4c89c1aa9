"""Bringing programmes in and out of the catalogue: the SAMHSA directory and our CSV format."""
