"""Where the site's inputs live in the checkout (light: the CLI imports it at start-up)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SITE_PROJECT = PROJECT_ROOT / "site"
CARDS_DIR = PROJECT_ROOT / "taxonomy" / "zoo" / "models"
