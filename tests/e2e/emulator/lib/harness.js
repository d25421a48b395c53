'use strict';
/**
 * Endpoints for the test side (POST /harness/<name>, JSON in, `{ok, result}` out): read what the
 * bot sent and called, and play user updates the package's client API cannot make (inline
 * queries; callback queries PTB can parse, with `chat_instance` and a full message).
 */

const {
  ApiError, answer, botMessage, chatKey, findBotMessage,
} = require('./botapi');

/** Register POST /harness/<name>, checking `required` fields and answering `result(body, server)`. */
function endpoint(name, required, result) {
  return (app, server) => app.post(`/harness/${name}`, (req, res) => answer(res, () => {
    const body = req.body || {};
    const missing = required.find((key) => body[key] === undefined);
    if (missing) {
      throw new ApiError(400, `Bad Request: field "${missing}" is required`);
    }
    return result(body, server);
  }));
}

/** What the bot sent, oldest first: the Message it got back plus its request (parse_mode...). */
function sent(body, server) {
  return server.storage.botMessages
    .filter((stored) => stored.botToken === body.token
      && (body.chat_id === undefined || String(stored.message.chat_id) === String(body.chat_id)))
    .map((stored) => ({ ...botMessage(server.harness, stored), request: stored.message }));
}

/** The bot API calls a bot made, oldest first, optionally of one method. */
function calls(body, server) {
  return server.harness.calls
    .filter((call) => call.token === body.token && (!body.method || call.method === body.method));
}

/** Store an inline query from a user and wake the bot's long poll. */
function inlineQuery(body, server) {
  const id = String(server.callbackId++);
  const query = { id, from: body.from, query: body.query, offset: body.offset || '' };
  if (body.chat_type) {
    query.chat_type = body.chat_type;
  }
  server.harness.users.set(String(body.from.id), body.from);
  const common = server.getCommonFields(body.token);
  server.storage.userMessages.push({ ...common, inlineQuery: query });
  server.updateId++;
  server.emit('AddedUserInlineQuery');
  return { update_id: common.updateId, inline_query_id: id };
}

/** Store a press on an inline button of a message the bot sent. */
function callbackQuery(body, server) {
  const stored = findBotMessage(server, body.token, body.chat_id, body.message_id);
  if (!stored) {
    throw new ApiError(400, 'Bad Request: the bot sent no such message to that chat');
  }
  const ids = { update_id: server.updateId, callback_query_id: String(server.callbackId) };
  server.harness.users.set(String(body.from.id), body.from);
  server.addUserCallback({
    botToken: body.token,
    from: body.from,
    chat_instance: String(body.chat_id),
    message: botMessage(server.harness, stored),
    data: body.data,
  });
  return ids;
}

/** Set the status getChatMember answers for a user in a chat (default: member). */
function chatMember(body, server) {
  server.harness.members.set(`${chatKey(body.token, body.chat_id)}|${body.user_id}`, body.status);
  return true;
}

const harnessEndpoints = [
  endpoint('sent', ['token'], sent),
  endpoint('calls', ['token'], calls),
  endpoint('inlineQuery', ['token', 'from', 'query'], inlineQuery),
  endpoint('callbackQuery', ['token', 'from', 'chat_id', 'message_id', 'data'], callbackQuery),
  endpoint('chatMember', ['token', 'chat_id', 'user_id', 'status'], chatMember),
];

module.exports = { harnessEndpoints };
