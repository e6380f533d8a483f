"""Sections that pages draw but that are not pages themselves (not in the navigation)."""
