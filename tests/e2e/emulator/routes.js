'use strict';
/**
 * Route fixes and additions that make telegram-test-api 4.2.1 usable by python-telegram-bot 22.
 *
 * The package builds its express app by calling, in order, every registrar `(app, server) => void`
 * in the array exported by `lib/routes/index.js`. `installRoutes()` rewrites that array in place
 * before the TelegramServer is constructed, so the package's own constructor registers our list:
 * package handlers kept as they are, package handlers wrapped to fix their answer, and our own
 * routes. Nothing under node_modules is edited.
 *
 * What changes, and why (checked against the package source and PTB 22.8):
 * - getMe lacks `is_bot` (PTB's User requires it) and says id 666 for every token: wrapped.
 * - sendMessage answers `date` in milliseconds (PTB: "year 58862 is out of range") and echoes
 *   the request fields: wrapped to answer a Bot API Message (seconds, from, the user's chat).
 * - getUpdates ignores offset/timeout/limit: replaced (lib/updates.js).
 * - editMessageText/editMessageReplyMarkup answer `null` (PTB crashes on it): replaced.
 * - answerCallbackQuery, deleteMessage, setWebhook, deleteWebhook answer `null`/ignore
 *   parameters where the Bot API says `true`: wrapped.
 * - sendChatAction, setMyCommands, getMyCommands, deleteMyCommands, answerInlineQuery and
 *   getChatMember are missing (HTTP 500 "not supported"): added, minimal but faithful.
 * - Every bot call is recorded; /harness/* endpoints (lib/harness.js) serve the test side.
 */

const { routes: packageRoutes } = require('telegram-test-api/lib/routes/index');
const { handle } = require('telegram-test-api/lib/routes/bot/utils');
const { getMe } = require('telegram-test-api/lib/routes/bot/getMe');
const { sendMessage: botSendMessage } = require('telegram-test-api/lib/routes/bot/sendMessage');
const { getUpdates: botGetUpdates } = require('telegram-test-api/lib/routes/bot/getUpdates');
const { editMessageText } = require('telegram-test-api/lib/routes/bot/editMessageText');
const { editMessageReplyMarkup } = require('telegram-test-api/lib/routes/bot/editMessageReplyMarkup');
const { answerCallbackQuery } = require('telegram-test-api/lib/routes/bot/answerCallbackQuery');
const { deleteMessage } = require('telegram-test-api/lib/routes/bot/deleteMessage');
const { setWebhook } = require('telegram-test-api/lib/routes/bot/setWebhook');
const { deleteWebhook } = require('telegram-test-api/lib/routes/bot/deleteWebhook');
const { unknownMethod } = require('telegram-test-api/lib/routes/bot/unknownMethod');
const { sendMessage: clientSendMessage } = require('telegram-test-api/lib/routes/client/sendMessage');
const { sendCommand: clientSendCommand } = require('telegram-test-api/lib/routes/client/sendCommand');
const {
  ApiError, answer, botId, botMessage, botUser, chatKey, decodeParams, findBotMessage, params,
  sendApiError,
} = require('./lib/botapi');
const { deleteWebhookRoute, getUpdatesRoute, wakeLongPollsOnUserUpdates } = require('./lib/updates');
const { harnessEndpoints } = require('./lib/harness');

// Recorded calls kept in memory; older ones are dropped so a long run cannot grow unbounded.
const MAX_RECORDED_CALLS = 10000;
const ADMIN_RIGHTS = [
  'can_manage_chat', 'can_delete_messages', 'can_manage_video_chats', 'can_restrict_members',
  'can_promote_members', 'can_change_info', 'can_invite_users', 'can_post_stories',
  'can_edit_stories', 'can_delete_stories',
];

/**
 * Wrap a package registrar: its handler still runs, and `fix(result, req, server, res)` rewrites
 * what it answers. `before(req, res, server)` may answer on its own (return true) first.
 */
function wrapRoute(registrar, { fix = (result) => result, before = () => false } = {}) {
  return (app, server) => {
    const wrap = (handler) => (req, res, next) => {
      if (before(req, res, server)) {
        return;
      }
      const send = res.sendResult;
      res.sendResult = (data) => send(
        data && data.ok ? { ...data, result: fix(data.result, req, server, res) } : data,
      );
      handler(req, res, next);
    };
    // The package registers through app.all (bot routes) and app.post (client routes) only.
    registrar({
      all: (path, handler) => app.all(path, wrap(handler)),
      post: (path, handler) => app.post(path, wrap(handler)),
    }, server);
  };
}

/** Register a bot method that checks required parameters and answers `result(p, req, server)`. */
function botMethod(name, required, result) {
  return (app, server) => handle(app, `/bot:token/${name}`, (req, res) => answer(res, () => {
    const p = decodeParams(params(req));
    const missing = required.find((key) => p[key] === undefined || p[key] === '');
    if (missing) {
      throw new ApiError(400, `Bad Request: parameter "${missing}" is required`);
    }
    return result(p, req, server);
  }));
}

/** Create the harness state on the server; runs first, when the package builds its app. */
function setup(app, server) {
  const state = {
    calls: [],
    chats: new Map(),
    users: new Map(),
    members: new Map(),
    commands: new Map(),
    allowedUpdates: new Map(),
    waiters: new Set(),
  };
  state.wake = wakeLongPollsOnUserUpdates(server, state);
  server.harness = state;
}

/** Record every bot API call (method, decoded parameters, time) before it is handled. */
function recordBotCalls(app, server) {
  app.all('/bot:token/:method', (req, res, next) => {
    const { calls } = server.harness;
    calls.push({
      token: req.params.token,
      method: req.params.method,
      params: decodeParams(params(req)),
      time: Date.now() / 1000,
    });
    if (calls.length > MAX_RECORDED_CALLS) {
      calls.splice(0, calls.length - MAX_RECORDED_CALLS);
    }
    next();
  });
}

/** Wrap the package's client /sendMessage or /sendCommand: validate, remember, answer ids. */
function userMessageRoute(registrar) {
  return wrapRoute(registrar, {
    before: (req, res, server) => {
      const message = req.body || {};
      // Unchecked, the package rejects a promise nobody awaits and the request never fails.
      if (!message.botToken || !message.chat || !message.from) {
        sendApiError(res, 400, 'Bad Request: a user message needs botToken, chat and from');
        return true;
      }
      if (registrar === clientSendCommand && !message.entities) {
        sendApiError(res, 400, 'Bad Request: a command needs entities');
        return true;
      }
      // Remember who wrote from which chat, so the bot's replies carry the right Chat.
      server.harness.chats.set(chatKey(message.botToken, message.chat.id), message.chat);
      server.harness.users.set(String(message.from.id), message.from);
      // The package assigns these synchronously inside the handler about to run.
      res.locals.ids = { message_id: server.messageId, update_id: server.updateId };
      return false;
    },
    fix: (result, req, server, res) => res.locals.ids,
  });
}

/** Reject a sendMessage Telegram would reject, before the package stores it. */
function checkSendMessage(req, res) {
  const p = params(req);
  if (p.chat_id === undefined || p.chat_id === '') {
    sendApiError(res, 400, 'Bad Request: chat_id is empty');
    return true;
  }
  if (!p.text) {
    sendApiError(res, 400, 'Bad Request: message text is empty');
    return true;
  }
  return false;
}

/** Bot API editMessageText / editMessageReplyMarkup: edit the stored message, answer it. */
function editMethod(name, field) {
  return (app, server) => handle(app, `/bot:token/${name}`, (req, res) => answer(res, () => {
    const p = decodeParams(params(req));
    if (p.inline_message_id) {
      return true;
    }
    const stored = findBotMessage(server, req.params.token, p.chat_id, p.message_id);
    if (!stored) {
      throw new ApiError(400, 'Bad Request: message to edit not found');
    }
    // Editing the text without reply_markup removes the keyboard, as on Telegram.
    const change = field === 'text'
      ? { text: p.text, parse_mode: p.parse_mode, reply_markup: p.reply_markup }
      : { reply_markup: p.reply_markup };
    const same = Object.keys(change).every(
      (key) => JSON.stringify(stored.message[key]) === JSON.stringify(change[key]),
    );
    if (same) {
      throw new ApiError(400, 'Bad Request: message is not modified: specified new message content'
        + ' and reply markup are exactly the same as a current content and reply markup of the message');
    }
    stored.message = { ...stored.message, ...change };
    stored.editTime = Date.now();
    server.emit(field === 'text' ? 'EditedMessageText' : 'EditedMessageReplyMarkup');
    return botMessage(server.harness, stored);
  }));
}

/** Return the ChatMember Telegram would send, for the status a test set (default: member). */
function chatMember(state, token, chatId, userId) {
  const status = state.members.get(`${chatKey(token, chatId)}|${userId}`) || 'member';
  const user = String(userId) === String(botId(token))
    ? botUser(token)
    : state.users.get(String(userId)) || { id: Number(userId), is_bot: false, first_name: `User ${userId}` };
  if (status === 'creator') {
    return { status, user, is_anonymous: false };
  }
  if (status === 'administrator') {
    const rights = Object.fromEntries(ADMIN_RIGHTS.map((right) => [right, true]));
    return { status, user, can_be_edited: false, is_anonymous: false, ...rights };
  }
  if (status === 'kicked') {
    return { status, user, until_date: 0 };
  }
  return { status, user };
}

/** Key a command list by bot, scope and language, as Telegram keeps them. */
function commandsKey(token, p) {
  const scope = p.scope && p.scope.type ? JSON.stringify(p.scope) : '{"type":"default"}';
  return `${token}|${scope}|${p.language_code || ''}`;
}

/** Bot methods the package lacks and PTB bots call at start-up or in handlers. */
const addedBotMethods = [
  botMethod('sendChatAction', ['chat_id', 'action'], () => true),
  botMethod('setMyCommands', ['commands'], (p, req, server) => {
    server.harness.commands.set(commandsKey(req.params.token, p), p.commands);
    return true;
  }),
  botMethod('getMyCommands', [], (p, req, server) => (
    server.harness.commands.get(commandsKey(req.params.token, p)) || []
  )),
  botMethod('deleteMyCommands', [], (p, req, server) => {
    server.harness.commands.delete(commandsKey(req.params.token, p));
    return true;
  }),
  botMethod('answerInlineQuery', ['inline_query_id', 'results'], () => true),
  botMethod('getChatMember', ['chat_id', 'user_id'], (p, req, server) => (
    chatMember(server.harness, req.params.token, p.chat_id, p.user_id)
  )),
];

/**
 * Answer an unknown bot method as Telegram does (404), naming it. The package answers HTTP 500
 * with a `message` field PTB cannot read, so the bot would only log "Internal Server Error".
 */
function notFound(app) {
  handle(app, '/bot:token/:method', (req, res) => sendApiError(
    res,
    404,
    `Not Found: method ${req.params.method} is not emulated (see tests/e2e/emulator/routes.js)`,
  ));
}

/** Map each package registrar we change to its replacement; `null` removes it. */
function replacements() {
  return new Map([
    [clientSendMessage, userMessageRoute(clientSendMessage)],
    [clientSendCommand, userMessageRoute(clientSendCommand)],
    [getMe, wrapRoute(getMe, {
      fix: (result, req) => ({
        ...result,
        ...botUser(req.params.token),
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: true,
      }),
    })],
    [botSendMessage, wrapRoute(botSendMessage, {
      before: checkSendMessage,
      // The package has just stored the message; answer it as Telegram would.
      fix: (result, req, server) => botMessage(server.harness, server.storage.botMessages.at(-1)),
    })],
    [botGetUpdates, getUpdatesRoute],
    [editMessageText, editMethod('editMessageText', 'text')],
    [editMessageReplyMarkup, editMethod('editMessageReplyMarkup', 'reply_markup')],
    [answerCallbackQuery, wrapRoute(answerCallbackQuery, { fix: () => true })],
    [deleteMessage, wrapRoute(deleteMessage, { fix: () => true })],
    [setWebhook, wrapRoute(setWebhook, { fix: () => true })],
    [deleteWebhook, deleteWebhookRoute(wrapRoute)],
    [unknownMethod, null],
  ]);
}

/** Rewrite the package's route list in place; call once, before `new TelegramServer()`. */
function installRoutes() {
  const swap = replacements();
  const missing = [...swap.keys()].filter((registrar) => !packageRoutes.includes(registrar));
  if (missing.length) {
    throw new Error(`telegram-test-api routes are not those of 4.2.1 (${missing.length} missing)`);
  }
  const kept = packageRoutes
    .map((registrar) => (swap.has(registrar) ? swap.get(registrar) : registrar))
    .filter(Boolean);
  packageRoutes.splice(
    0,
    packageRoutes.length,
    setup,
    recordBotCalls,
    ...kept,
    ...addedBotMethods,
    ...harnessEndpoints,
    notFound, // last: it answers every bot method no route above handled
  );
}

module.exports = { installRoutes };
