from emulator.fixtures import bot_emulator, bot_process, emulator_server  # noqa: F401
