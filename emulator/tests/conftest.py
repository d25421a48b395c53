from emulator.fixtures import bot_emulator, bot_process, bot_token, emulator_server  # noqa: F401
