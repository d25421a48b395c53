"""The emulator's fixtures (see emulator/fixtures.py): a user on the emulator, bots started per test."""

from emulator.fixtures import bot_emulator, bot_process, emulator_server  # noqa: F401
