"""The default configuration, installed as the package `summarizer.defaults` (see pyproject.toml).

Only its TOML files matter: summarizer.settings reads them through importlib.resources when
STORYBOT_CONFIG_DIR is not set.
"""
