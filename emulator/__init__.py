"""The Telegram Bot API emulator for end-to-end tests and the bench (see README.md here)."""
