'use strict';
/**
 * A Telegram Bot API emulator for end-to-end tests: Node.js alone, no npm packages.
 *
 * Forked from telegram-test-api 4.2.1 and cut down to what python-telegram-bot 22 bots call;
 * README.md lists every change. Bots call `/bot<TOKEN>/<method>` as on api.telegram.org; tests
 * play the user and read what the bot did through `POST /harness/<name>` (JSON in, `{ok, result}`
 * out). Each token is its own bot: tests that share the emulator never share a chat.
 *
 * Usage: node server.js [PORT]   (0 or nothing: any free port; it listens on 127.0.0.1 only)
 * Prints `READY http://127.0.0.1:PORT` once listening; stops on SIGTERM or SIGINT, or when the
 * process that started it exits.
 */

const http = require('node:http');

const MIN_NODE_MAJOR = 18;
const HOST = '127.0.0.1';
// What getMe says for every token (upstream's names; the id is the number the token starts with).
const BOT_FIRST_NAME = 'Test First name';
const BOT_USERNAME = 'TestNameBot';
// PTB sends form fields, JSON-encoding every non-string value; these are decoded on arrival.
const JSON_PARAMS = new Set([
  'allowed_updates', 'button', 'caption_entities', 'commands', 'entities', 'link_preview_options',
  'reply_markup', 'reply_parameters', 'results', 'scope',
]);
const MAX_BODY_BYTES = 10 * 1024 * 1024;
// Long polls are recorded too: keep the newest calls only, so a long run stays bounded.
const MAX_RECORDED_CALLS = 10000;
// A long poll never holds a request longer than this, whatever `timeout` the bot asks for.
const MAX_POLL_SECONDS = 50;
// If open connections keep the server from closing, exit anyway after this long.
const STOP_GRACE_MS = 3000;
// How often to check that the process that started us (the test run) is still there.
const PARENT_CHECK_MS = 1000;
const ADMIN_RIGHTS = [
  'can_manage_chat', 'can_delete_messages', 'can_manage_video_chats', 'can_restrict_members',
  'can_promote_members', 'can_change_info', 'can_invite_users', 'can_post_stories',
  'can_edit_stories', 'can_delete_stories',
];

/** A Bot API error, answered as Telegram does: HTTP `code`, `{ok: false, error_code, ...}`. */
class ApiError extends Error {
  constructor(code, description) {
    super(description);
    this.code = code;
  }
}

const badRequest = (what) => new ApiError(400, `Bad Request: ${what}`);

/** Everything the emulator knows, in memory, for the life of the process. */
const store = {
  // One counter for user and bot messages, so a reply's id is above its question's (as upstream).
  nextMessageId: 1,
  nextUpdateId: 1,
  nextQueryId: 1,
  botMessages: [], // {token, messageId, chatId, request (the bot's parameters), time, editTime}
  updates: [], // {token, update (as getUpdates answers it), confirmed}; kept until confirmed
  calls: [], // {token, method, params, time (seconds)}
  chats: new Map(), // `token|chat id` -> the Chat a user wrote from
  users: new Map(), // user id -> the User
  members: new Map(), // `token|chat id|user id` -> the status getChatMember answers
  commands: new Map(), // `token|scope|language` -> the commands set
  allowedUpdates: new Map(), // token -> the update kinds its last getUpdates asked for
  waiters: new Set(), // pending long polls, woken by every user update
  stopping: false,
};

// -- Bot API objects --------------------------------------------------------------------------

/** Return the bot id Telegram would use: the number before the colon of the token. */
function botId(token) {
  const match = /^(\d+):/.exec(token);
  return match ? Number(match[1]) : 666;
}

function botUser(token) {
  return { id: botId(token), is_bot: true, first_name: BOT_FIRST_NAME, username: BOT_USERNAME };
}

const chatKey = (token, chatId) => `${token}|${chatId}`;

/** Return the Chat for a chat id: the one a user wrote from, else a guess from the id's form. */
function chatFor(token, chatId) {
  const known = store.chats.get(chatKey(token, chatId));
  if (known) {
    return known;
  }
  if (chatId.startsWith('@')) {
    const name = chatId.slice(1);
    return { id: -1000000000000 - name.length, type: 'channel', title: name, username: name };
  }
  const id = Number(chatId);
  if (id <= -1000000000000) {
    return { id, type: 'channel', title: `Channel ${id}` };
  }
  if (id < 0) {
    return { id, type: 'group', title: `Group ${id}` };
  }
  return { id, type: 'private', first_name: `User ${id}` };
}

/** Strip HTML tags and entities, as Telegram does to `text` when parse_mode is HTML. */
function plainText(text, parseMode) {
  if (String(parseMode).toUpperCase() !== 'HTML' || typeof text !== 'string') {
    return text;
  }
  return text.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** Return the Message Telegram answers for a message the bot sent (dates in seconds). */
function botMessage(sent) {
  const message = {
    message_id: sent.messageId,
    from: botUser(sent.token),
    chat: chatFor(sent.token, sent.chatId),
    date: Math.floor(sent.time / 1000),
    text: plainText(sent.request.text, sent.request.parse_mode),
  };
  if (sent.request.reply_markup && sent.request.reply_markup.inline_keyboard) {
    message.reply_markup = sent.request.reply_markup;
  }
  if (sent.editTime) {
    message.edit_date = Math.floor(sent.editTime / 1000);
  }
  return message;
}

function findBotMessage(token, chatId, messageId) {
  return store.botMessages.find((sent) => sent.token === token
    && sent.chatId === String(chatId) && String(sent.messageId) === String(messageId));
}

/** Return the ChatMember Telegram would send, for the status a test set (default: member). */
function chatMember(token, chatId, userId) {
  const status = store.members.get(`${chatKey(token, chatId)}|${userId}`) || 'member';
  const stranger = { id: Number(userId), is_bot: false, first_name: `User ${userId}` };
  const user = String(userId) === String(botId(token))
    ? botUser(token)
    : store.users.get(String(userId)) || stranger;
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

// -- updates and long polling -----------------------------------------------------------------

/** Queue a user update for a bot and wake the long polls; return its update_id. */
function addUpdate(token, kind, payload) {
  const update = { update_id: store.nextUpdateId++, [kind]: payload };
  store.updates.push({ token, update, confirmed: false });
  wakeLongPolls();
  return update.update_id;
}

function wakeLongPolls() {
  const waiters = [...store.waiters];
  store.waiters.clear();
  waiters.forEach((wake) => wake());
}

/** Return up to `limit` unconfirmed updates for a bot, dropping kinds it asked not to get. */
function pendingUpdates(token, limit) {
  const allowed = store.allowedUpdates.get(token) || [];
  const pending = [];
  for (const queued of store.updates) {
    if (queued.token !== token || queued.confirmed) {
      continue;
    }
    const kind = Object.keys(queued.update).find((key) => key !== 'update_id');
    if (allowed.length && !allowed.includes(kind)) {
      queued.confirmed = true;
    } else if (pending.length < limit) {
      pending.push(queued.update);
    }
  }
  return pending;
}

/** Confirm and forget every update below `offset`, or all but the last -offset when negative. */
function confirmUpdates(token, offset) {
  const own = store.updates.filter((queued) => queued.token === token && !queued.confirmed);
  const firstKept = own.findIndex((queued) => queued.update.update_id >= offset);
  const upTo = firstKept < 0 ? own.length : firstKept;
  const cut = offset < 0 ? Math.max(0, own.length + offset) : upTo;
  own.slice(0, cut).forEach((queued) => { queued.confirmed = true; });
  store.updates = store.updates.filter((queued) => !queued.confirmed);
}

/** Wait until a user update arrives, the request closes, or `ms` pass. */
function nextUserUpdate(res, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      store.waiters.delete(done);
      res.off('close', done);
      resolve();
    }
    store.waiters.add(done);
    res.once('close', done);
  });
}

/**
 * getUpdates with offset, limit, allowed_updates and real long polling. An update stays queued
 * until an offset confirms it, so one in a poll the bot cancels (PTB does at shutdown) is not lost.
 */
async function getUpdates(p, token, req, res) {
  const limit = Math.min(Math.max(Number(p.limit) || 100, 1), 100);
  const timeout = Math.min(Math.max(Number(p.timeout) || 0, 0), MAX_POLL_SECONDS);
  if (Array.isArray(p.allowed_updates)) {
    store.allowedUpdates.set(token, p.allowed_updates);
  }
  if (Number(p.offset)) {
    confirmUpdates(token, Number(p.offset));
  }
  const deadline = Date.now() + timeout * 1000;
  const open = () => !res.writableEnded && !req.socket.destroyed;
  let updates = pendingUpdates(token, limit);
  while (!updates.length && Date.now() < deadline && !store.stopping && open()) {
    await nextUserUpdate(res, deadline - Date.now());
    updates = pendingUpdates(token, limit);
  }
  return updates;
}

// -- the bot side: Bot API methods ------------------------------------------------------------

/** Edit a message the bot sent (editMessageText: `field` 'text'; editMessageReplyMarkup). */
function editMessage(field) {
  return (p, token) => {
    if (p.inline_message_id) {
      return true;
    }
    const sent = findBotMessage(token, p.chat_id, p.message_id);
    if (!sent) {
      throw badRequest('message to edit not found');
    }
    // Editing the text without reply_markup removes the keyboard, as on Telegram.
    const change = field === 'text'
      ? { text: p.text, parse_mode: p.parse_mode, reply_markup: p.reply_markup }
      : { reply_markup: p.reply_markup };
    const same = Object.keys(change)
      .every((key) => JSON.stringify(sent.request[key]) === JSON.stringify(change[key]));
    if (same) {
      throw badRequest('message is not modified: specified new message content and reply markup'
        + ' are exactly the same as a current content and reply markup of the message');
    }
    sent.request = { ...sent.request, ...change };
    sent.editTime = Date.now();
    return botMessage(sent);
  };
}

/** Bot API methods: name -> [required parameters, (params, token, req, res) => result]. */
const BOT_METHODS = {
  getMe: [[], (p, token) => ({
    ...botUser(token),
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: true,
  })],
  getUpdates: [[], getUpdates],
  sendMessage: [['chat_id', 'text'], (p, token) => {
    const chatId = String(p.chat_id);
    const sent = { token, messageId: store.nextMessageId++, chatId, request: p, time: Date.now() };
    store.botMessages.push(sent);
    return botMessage(sent);
  }],
  editMessageText: [['text'], editMessage('text')],
  editMessageReplyMarkup: [[], editMessage('reply_markup')],
  deleteMessage: [['chat_id', 'message_id'], (p, token) => {
    const sent = findBotMessage(token, p.chat_id, p.message_id);
    if (!sent) {
      throw badRequest('message to delete not found');
    }
    store.botMessages.splice(store.botMessages.indexOf(sent), 1);
    return true;
  }],
  sendChatAction: [['chat_id', 'action'], () => true],
  answerCallbackQuery: [['callback_query_id'], () => true],
  answerInlineQuery: [['inline_query_id', 'results'], () => true],
  getChatMember: [['chat_id', 'user_id'], (p, token) => chatMember(token, p.chat_id, p.user_id)],
  setMyCommands: [['commands'], (p, token) => {
    store.commands.set(commandsKey(token, p), p.commands);
    return true;
  }],
  getMyCommands: [[], (p, token) => store.commands.get(commandsKey(token, p)) || []],
  deleteMyCommands: [[], (p, token) => {
    store.commands.delete(commandsKey(token, p));
    return true;
  }],
  setWebhook: [['url'], () => true],
  deleteWebhook: [[], (p, token) => {
    if (String(p.drop_pending_updates) === 'true') {
      confirmUpdates(token, Number.MAX_SAFE_INTEGER);
    }
    return true;
  }],
};

// -- the test side: POST /harness/<name> ------------------------------------------------------

const HARNESS = {
  /** A user's message or command to the bot; answers its message_id and update_id. */
  message: [['token', 'message'], ({ token, message }) => {
    if (!message.chat || !message.from) {
      throw badRequest('a user message needs chat and from');
    }
    // Remember who wrote from which chat, so the bot's messages there carry the right Chat.
    store.chats.set(chatKey(token, message.chat.id), message.chat);
    store.users.set(String(message.from.id), message.from);
    const messageId = store.nextMessageId++;
    const date = Math.floor(Date.now() / 1000);
    const updateId = addUpdate(token, 'message', { date, ...message, message_id: messageId });
    return { message_id: messageId, update_id: updateId };
  }],
  /** A press on an inline button under a message the bot sent. */
  callbackQuery: [['token', 'from', 'chat_id', 'message_id', 'data'], (body) => {
    const sent = findBotMessage(body.token, body.chat_id, body.message_id);
    if (!sent) {
      throw badRequest('the bot sent no such message to that chat');
    }
    store.users.set(String(body.from.id), body.from);
    const id = String(store.nextQueryId++);
    const { from, data } = body;
    const message = botMessage(sent);
    const query = { id, from, chat_instance: String(body.chat_id), message, data };
    return { update_id: addUpdate(body.token, 'callback_query', query), callback_query_id: id };
  }],
  /** A user typing `@bot query`. */
  inlineQuery: [['token', 'from', 'query'], (body) => {
    store.users.set(String(body.from.id), body.from);
    const id = String(store.nextQueryId++);
    const query = { id, from: body.from, query: body.query, offset: body.offset || '' };
    if (body.chat_type) {
      query.chat_type = body.chat_type;
    }
    return { update_id: addUpdate(body.token, 'inline_query', query), inline_query_id: id };
  }],
  /** Set the status getChatMember answers for a user in a chat. */
  chatMember: [['token', 'chat_id', 'user_id', 'status'], (body) => {
    store.members.set(`${chatKey(body.token, body.chat_id)}|${body.user_id}`, body.status);
    return true;
  }],
  /** What the bot sent, oldest first: the Message it got back plus its parameters as `request`. */
  sent: [['token'], (body) => store.botMessages
    .filter((sent) => sent.token === body.token
      && (body.chat_id === undefined || sent.chatId === String(body.chat_id)))
    .map((sent) => ({ ...botMessage(sent), request: sent.request }))],
  /** The Bot API calls the bot made, oldest first, optionally of one method. */
  calls: [['token'], (body) => store.calls
    .filter((call) => call.token === body.token && (!body.method || call.method === body.method))],
};

// -- HTTP ---------------------------------------------------------------------------------------

/** Return the request body as an object (JSON or form fields; files are not emulated). */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError(413, 'Request Entity Too Large');
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] || '').split(';')[0].trim();
  if (!text) {
    return {};
  }
  if (type === 'application/json') {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw badRequest(`the JSON body does not parse: ${error.message}`);
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  throw badRequest(`a ${type || 'untyped'} body is not emulated (send JSON or form fields)`);
}

/** Decode the JSON-encoded parameters PTB sends, so methods and tests see objects. */
function decodeParams(raw) {
  const decoded = { ...raw };
  for (const key of Object.keys(decoded)) {
    if (JSON_PARAMS.has(key) && typeof decoded[key] === 'string') {
      try {
        decoded[key] = JSON.parse(decoded[key]);
      } catch (_error) {
        // Keep the raw string: a malformed value is itself worth seeing in a test failure.
      }
    }
  }
  return decoded;
}

/** Throw a Bad Request naming the first required parameter missing (or empty, if `orEmpty`). */
function requireParams(p, required, orEmpty) {
  const missing = required.find((key) => p[key] === undefined || (orEmpty && p[key] === ''));
  if (missing) {
    throw badRequest(`${missing} is empty`);
  }
}

/** Record a bot's call and answer it; a method not emulated is a 404 naming it. */
function callBot(token, method, p, req, res) {
  store.calls.push({ token, method, params: p, time: Date.now() / 1000 });
  if (store.calls.length > MAX_RECORDED_CALLS) {
    store.calls.splice(0, store.calls.length - MAX_RECORDED_CALLS);
  }
  if (!Object.hasOwn(BOT_METHODS, method)) {
    throw new ApiError(404, `Not Found: method ${method} is not emulated (see emulator/README.md)`);
  }
  const [required, run] = BOT_METHODS[method];
  requireParams(p, required, true);
  return run(p, token, req, res);
}

function send(res, code, body) {
  if (res.writableEnded || res.destroyed) {
    return;
  }
  // While stopping, close each connection after its answer so the server can close.
  const headers = { 'content-type': 'application/json' };
  res.writeHead(code, store.stopping ? { ...headers, connection: 'close' } : headers);
  res.end(JSON.stringify(body));
}

async function handle(req, res) {
  try {
    const url = new URL(req.url, `http://${HOST}`);
    const p = { ...Object.fromEntries(url.searchParams), ...(await readBody(req)) };
    const bot = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    const harness = /^\/harness\/(\w+)$/.exec(url.pathname);
    let result;
    if (bot) {
      result = await callBot(decodeURIComponent(bot[1]), bot[2], decodeParams(p), req, res);
    } else if (harness && req.method === 'POST' && Object.hasOwn(HARNESS, harness[1])) {
      const [required, run] = HARNESS[harness[1]];
      requireParams(p, required, false); // an inline query may be empty
      result = run(p);
    } else {
      throw new ApiError(404, `Not Found: ${req.method} ${url.pathname}`);
    }
    send(res, 200, { ok: true, result });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      process.stderr.write(`emulator: ${req.method} ${req.url} failed: ${error.stack || error}\n`);
    }
    const code = error instanceof ApiError ? error.code : 500;
    send(res, code, { ok: false, error_code: code, description: error.message });
  }
}

/** Stop on the first signal: answer pending long polls, close the server, then exit. */
function stopOnSignals(server) {
  const stop = (why) => {
    if (store.stopping) {
      return;
    }
    store.stopping = true;
    setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
    server.close(() => {
      process.stdout.write(`STOPPED ${why}\n`);
      process.exit(0);
    });
    server.closeIdleConnections?.(); // Node.js 18.2 and later
    wakeLongPolls(); // they see `stopping` and answer at once
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A test run killed outright cannot send SIGTERM; do not linger as an orphan then.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop('parent exited'), PARENT_CHECK_MS).unref();
}

function main() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    throw new Error(`Node.js ${MIN_NODE_MAJOR} or later is needed; this is ${process.version}`);
  }
  const raw = process.argv[2] || '0';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port: ${raw}`);
  }
  const server = http.createServer((req, res) => { handle(req, res); });
  server.on('error', (error) => {
    process.stderr.write(`emulator: ${error.message}\n`);
    process.exit(1);
  });
  server.listen(port, HOST, () => {
    stopOnSignals(server);
    process.stdout.write(`READY http://${HOST}:${server.address().port}\n`);
  });
}

try {
  main();
} catch (error) {
  process.stderr.write(`emulator: ${error.message}\n`);
  process.exit(1);
}
