'use strict';
/**
 * Bot API getUpdates with offset, limit, allowed_updates and real long polling.
 *
 * The package's getUpdates answers at once, ignores offset/timeout/limit and marks updates read
 * as soon as it returns them: PTB then polls in a tight loop, and an update in a poll that PTB
 * cancels (it does at shutdown) is lost. Here an update stays until an offset confirms it, and a
 * poll waits, up to its timeout, for a user update to arrive.
 */

const { handle } = require('telegram-test-api/lib/routes/bot/utils');
const { deleteWebhook } = require('telegram-test-api/lib/routes/bot/deleteWebhook');
const { decodeParams, params } = require('./botapi');

// A long poll never holds a request longer than this, whatever `timeout` the bot asks for.
const MAX_POLL_SECONDS = 50;
// Events the package (and lib/harness.js) emit when a user update is stored.
const USER_UPDATE_EVENTS = [
  'AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery', 'AddedUserInlineQuery',
];

/** Format a stored user update as the Update PTB parses (without the package's bookkeeping). */
function formatUpdate(update) {
  if (update.inlineQuery) {
    return { update_id: update.updateId, inline_query: update.inlineQuery };
  }
  if (update.callbackQuery) {
    const { botToken, ...query } = update.callbackQuery;
    return { update_id: update.updateId, callback_query: { ...query, id: String(update.callbackId) } };
  }
  const { botToken, ...message } = update.message;
  return { update_id: update.updateId, message: { ...message, message_id: update.messageId } };
}

/** Return up to `limit` unconfirmed updates for a bot, dropping kinds it asked not to get. */
function pendingUpdates(server, token, limit) {
  const allowed = server.harness.allowedUpdates.get(token) || [];
  const pending = [];
  for (const update of server.storage.userMessages) {
    if (update.botToken !== token || update.isRead) {
      continue;
    }
    const formatted = formatUpdate(update);
    const kind = Object.keys(formatted).find((key) => key !== 'update_id');
    if (allowed.length && !allowed.includes(kind)) {
      update.isRead = true;
    } else if (pending.length < limit) {
      pending.push(formatted);
    }
  }
  return pending;
}

/** Confirm (forget) every update below `offset`, or all but the last -offset when negative. */
function confirmUpdates(server, token, offset) {
  const own = server.storage.userMessages.filter((update) => update.botToken === token && !update.isRead);
  const firstKept = own.findIndex((update) => update.updateId >= offset);
  const cut = offset < 0 ? Math.max(0, own.length + offset) : (firstKept < 0 ? own.length : firstKept);
  own.slice(0, cut).forEach((update) => { update.isRead = true; });
}

/** Wait until a user update arrives, the request closes, or `ms` pass. */
function waitForUserUpdate(state, res, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      state.waiters.delete(done);
      res.off('close', done);
      resolve();
    }
    state.waiters.add(done);
    res.once('close', done);
  });
}

/** Register the wake-up of pending long polls on every user update; returns `wake`. */
function wakeLongPollsOnUserUpdates(server, state) {
  const wake = () => {
    const waiters = [...state.waiters];
    state.waiters.clear();
    waiters.forEach((resolve) => resolve());
  };
  USER_UPDATE_EVENTS.forEach((event) => server.on(event, wake));
  return wake;
}

/** The getUpdates route: confirm by offset, then answer pending updates or wait for one. */
function getUpdatesRoute(app, server) {
  handle(app, '/bot:token/getUpdates', async (req, res) => {
    const { token } = req.params;
    const p = decodeParams(params(req));
    const offset = Number(p.offset) || 0;
    const limit = Math.min(Math.max(Number(p.limit) || 100, 1), 100);
    const timeout = Math.min(Math.max(Number(p.timeout) || 0, 0), MAX_POLL_SECONDS);
    if (Array.isArray(p.allowed_updates)) {
      server.harness.allowedUpdates.set(token, p.allowed_updates);
    }
    if (offset !== 0) {
      confirmUpdates(server, token, offset);
    }
    const deadline = Date.now() + timeout * 1000;
    const open = () => !res.writableEnded && !req.socket.destroyed;
    let updates = pendingUpdates(server, token, limit);
    while (!updates.length && Date.now() < deadline && server.started && open()) {
      await waitForUserUpdate(server.harness, res, deadline - Date.now());
      updates = pendingUpdates(server, token, limit);
    }
    if (open()) {
      res.json({ ok: true, result: updates });
    }
  });
}

/** Wrap the package's deleteWebhook (given `wrapRoute`) to honour drop_pending_updates. */
function deleteWebhookRoute(wrapRoute) {
  return wrapRoute(deleteWebhook, {
    fix: (result, req, server) => {
      if (String(params(req).drop_pending_updates) === 'true') {
        confirmUpdates(server, req.params.token, Number.MAX_SAFE_INTEGER);
      }
      return true;
    },
  });
}

module.exports = { deleteWebhookRoute, getUpdatesRoute, wakeLongPollsOnUserUpdates };
