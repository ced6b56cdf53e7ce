"""Per-page parts of the Thai/English catalogue; ui.i18n merges them into the one catalogue.

Each module holds a TEXT dict of key -> (Thai, English) for one page, so that pages can grow their
vocabulary without editing a shared file; a key defined twice is an error at import.
"""
