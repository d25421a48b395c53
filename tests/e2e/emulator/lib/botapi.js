'use strict';
/** Bot API objects and answers: who the bot is, chats, messages, errors, parameters. */

// Matches what the package's getMe answers, so both agree on who the bot is.
const BOT_FIRST_NAME = 'Test First name';
const BOT_USERNAME = 'TestNameBot';
const DEFAULT_BOT_ID = 666;
// PTB sends form fields, JSON-encoding every non-string value; these are decoded on arrival.
const JSON_PARAMS = new Set([
  'allowed_updates', 'button', 'caption_entities', 'commands', 'entities', 'link_preview_options',
  'reply_markup', 'reply_parameters', 'results', 'scope',
]);

/** A Bot API error; `answer` turns it into Telegram's `{ok: false, ...}` reply. */
class ApiError extends Error {
  constructor(code, description) {
    super(description);
    this.code = code;
  }
}

/** Answer a Bot API error the way Telegram does (PTB maps 400 to BadRequest, 404 to InvalidToken). */
function sendApiError(res, code, description) {
  res.status(code).json({ ok: false, error_code: code, description });
}

/** Answer `{ok: true, result: compute()}`, or the ApiError that `compute` throws. */
function answer(res, compute) {
  try {
    res.json({ ok: true, result: compute() });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    sendApiError(res, error.code, error.message);
  }
}

/** Return the request's parameters, query string and body merged, as the Bot API allows. */
function params(req) {
  return { ...req.query, ...req.body };
}

/** Decode the JSON-encoded parameters PTB sends, so handlers and tests see objects. */
function decodeParams(raw) {
  const decoded = {};
  for (const [key, value] of Object.entries(raw)) {
    decoded[key] = value;
    if (JSON_PARAMS.has(key) && typeof value === 'string') {
      try {
        decoded[key] = JSON.parse(value);
      } catch (_error) {
        // Keep the raw string: a malformed value is itself worth seeing in a test failure.
      }
    }
  }
  return decoded;
}

/** Return the bot id Telegram would use: the number before the colon of the token. */
function botId(token) {
  const match = /^(\d+):/.exec(String(token));
  return match ? Number(match[1]) : DEFAULT_BOT_ID;
}

/** Return the bot's User object as it appears in `from` of the messages it sends. */
function botUser(token) {
  return { id: botId(token), is_bot: true, first_name: BOT_FIRST_NAME, username: BOT_USERNAME };
}

/** Strip HTML tags and entities, as Telegram does to `text` when parse_mode is HTML. */
function plainText(text, parseMode) {
  if (String(parseMode).toUpperCase() !== 'HTML' || typeof text !== 'string') {
    return text;
  }
  return text
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Key per bot, so tests that share the emulator but not a token never share chat state. */
function chatKey(token, chatId) {
  return `${token}|${chatId}`;
}

/** Return the Chat for a chat id: the one users wrote from, else a guess from the id's form. */
function chatFor(state, token, chatId) {
  const known = state.chats.get(chatKey(token, chatId));
  if (known) {
    return known;
  }
  const text = String(chatId);
  if (text.startsWith('@')) {
    const name = text.slice(1);
    return { id: -1000000000000 - name.length, type: 'channel', title: name, username: name };
  }
  const id = Number(text);
  if (id <= -1000000000000) {
    return { id, type: 'channel', title: `Channel ${id}` };
  }
  if (id < 0) {
    return { id, type: 'group', title: `Group ${id}` };
  }
  return { id, type: 'private', first_name: `User ${id}` };
}

/** Build the Message Telegram returns for a stored bot message (dates in seconds). */
function botMessage(state, stored) {
  const { message } = stored;
  const result = {
    message_id: stored.messageId,
    from: botUser(stored.botToken),
    chat: chatFor(state, stored.botToken, message.chat_id),
    date: Math.floor(stored.time / 1000),
    text: plainText(message.text, message.parse_mode),
  };
  if (message.reply_markup && message.reply_markup.inline_keyboard) {
    result.reply_markup = message.reply_markup;
  }
  if (stored.editTime) {
    result.edit_date = Math.floor(stored.editTime / 1000);
  }
  return result;
}

/** Find the stored bot message a bot or a user refers to by chat and message id. */
function findBotMessage(server, token, chatId, messageId) {
  return server.storage.botMessages.find((stored) => stored.botToken === token
    && String(stored.messageId) === String(messageId)
    && String(stored.message.chat_id) === String(chatId));
}

module.exports = {
  ApiError,
  BOT_USERNAME,
  answer,
  botId,
  botMessage,
  botUser,
  chatFor,
  chatKey,
  decodeParams,
  findBotMessage,
  params,
  sendApiError,
};
