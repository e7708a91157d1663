"""Glimmer Publish: a Git repository of glimmers becomes a calm site, feeds and image cards."""

__version__ = "0.2.0"
