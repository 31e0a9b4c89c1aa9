"""The site's own date and time formats per language, over Django's (FORMAT_MODULE_PATH).

Session times and share-link times read as people write them: "6:00 PM" in English,
"18:00" in Spanish.
"""
