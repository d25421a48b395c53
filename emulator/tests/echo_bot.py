"""A tiny python-telegram-bot 22 echo bot, used only by the emulator's own tests (test_emulator.py).

It exercises what storybot will do against the emulator: start-up (getMe, deleteWebhook,
setMyCommands), long polling, HTML replies, a chat action, an inline keyboard with a callback
that edits the message, an inline query answer, and getChatMember.

Run: TELEGRAM_BOT_TOKEN=... TELEGRAM_BASE_URL=http://127.0.0.1:PORT/bot python echo_bot.py
"""

from __future__ import annotations

import html
import logging
import os

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ChatAction
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

logger = logging.getLogger(__name__)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user by name, with a button that edits the greeting."""
    user = update.effective_user
    await update.effective_chat.send_chat_action(ChatAction.TYPING)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Wave", callback_data="wave")]])
    await update.effective_message.reply_html(
        f"Hello, <b>{html.escape(user.first_name)}</b>!", reply_markup=keyboard
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo the text back in HTML, and log the date PTB parsed from the emulator's answer."""
    text = update.effective_message.text
    sent = await update.effective_message.reply_html(f"<i>echo:</i> {html.escape(text)}")
    # test_emulator.py reads this line: it proves PTB parsed its own reply (date in seconds).
    logger.info("echoed message_id=%s date=%s", sent.message_id, sent.date.timestamp())


async def whoami(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the user their status in this chat (getChatMember)."""
    member = await update.effective_chat.get_member(update.effective_user.id)
    await update.effective_message.reply_html(f"You are <b>{member.status}</b> here.")


async def wave(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button press and edit the greeting (editMessageText)."""
    query = update.callback_query
    await query.answer()
    edited = await query.edit_message_text("👋 <b>Waved</b>", parse_mode="HTML")
    logger.info("edited message_id=%s", edited.message_id)


async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the query back as one article."""
    query = update.inline_query.query
    content = InputTextMessageContent(f"<i>echo:</i> {html.escape(query)}", parse_mode="HTML")
    await update.inline_query.answer(
        [InlineQueryResultArticle(id="echo", title=f"Echo {query}", input_message_content=content)]
    )


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any handler error with its traceback, so the test shows it."""
    logger.error("handler failed", exc_info=context.error)


async def post_init(application: Application) -> None:
    """Publish the command list, as real bots do at start-up."""
    await application.bot.set_my_commands(
        [BotCommand("start", "Say hello"), BotCommand("whoami", "Your status here")]
    )
    logger.info("bot @%s is up", application.bot.username)


def build(token: str, base_url: str) -> Application:
    """Build the application with every handler."""
    application = Application.builder().token(token).base_url(base_url).post_init(post_init).build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("whoami", whoami))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(wave, pattern="^wave$"))
    application.add_handler(InlineQueryHandler(inline))
    application.add_error_handler(on_error)
    return application


def main() -> None:
    """Run the bot with long polling until SIGTERM."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build(os.environ["TELEGRAM_BOT_TOKEN"], os.environ["TELEGRAM_BASE_URL"])
    # Long polls return as soon as a user writes; the short interval only spaces out retries.
    application.run_polling(poll_interval=0.1, timeout=5, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
