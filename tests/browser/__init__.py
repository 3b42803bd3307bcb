"""Browser tests of the page JavaScript (Playwright + Debian Chromium)."""
