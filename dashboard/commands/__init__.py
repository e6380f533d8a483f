"""One module per CLI verb; see dashboard/cli.py."""
