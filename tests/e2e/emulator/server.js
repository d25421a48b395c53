'use strict';
/**
 * Start the telegram-test-api Bot API emulator on 127.0.0.1, with the fixes from routes.js.
 *
 * Usage: node server.js [PORT]   (or EMULATOR_PORT=PORT; 0 or nothing picks a free port)
 * Prints `READY http://127.0.0.1:PORT` once listening; stops cleanly on SIGTERM or SIGINT.
 */

const { installRoutes } = require('./routes');

// The routes must be rewritten before the package builds its express app in the constructor.
installRoutes();
const TelegramServer = require('telegram-test-api');

const HOST = '127.0.0.1';
// Stored messages outlive a whole test session; the package's default (60 s) would drop the
// history of a slow test while it still reads it.
const STORE_TIMEOUT_SECONDS = 3600;
// If open connections keep the server from closing, exit anyway after this long.
const STOP_GRACE_MS = 3000;
// How often to check that the process that started us (the test run) is still there.
const PARENT_CHECK_MS = 1000;

/** Return the port asked for on the command line or in EMULATOR_PORT (0 = any free port). */
function requestedPort() {
  const raw = process.argv[2] || process.env.EMULATOR_PORT || '0';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port: ${raw}`);
  }
  return port;
}

/** Start the emulator and return it once it listens. */
async function start(port) {
  const server = new TelegramServer({ host: HOST, port: port || 1, storeTimeout: STORE_TIMEOUT_SECONDS });
  // normalizeConfig turns port 0 into 9000 (`port || 9000`), so ask for 0 after it ran.
  server.config.port = port;
  await server.start();
  server.config.port = server.server.address().port;
  server.config.apiURL = `http://${HOST}:${server.config.port}`;
  return server;
}

/** Stop on the first signal: answer pending long polls, close the server, then exit. */
function stopOnSignals(server) {
  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      return;
    }
    stopping = true;
    setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
    const closed = server.stop();
    // stop() has cleared `started`; woken long polls see it and answer at once.
    server.harness.wake();
    closed.then(() => {
      process.stdout.write(`STOPPED ${signal}\n`);
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // A test run killed outright cannot send SIGTERM; do not linger as an orphan then.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && stop('parent exited'), PARENT_CHECK_MS).unref();
}

async function main() {
  const server = await start(requestedPort());
  stopOnSignals(server);
  // The package never awaits some of its promises; log such failures instead of dying mid-test.
  process.on('unhandledRejection', (error) => process.stderr.write(`unhandled rejection: ${error}\n`));
  process.stdout.write(`READY ${server.config.apiURL}\n`);
}

main().catch((error) => {
  process.stderr.write(`emulator failed to start: ${error.stack || error}\n`);
  process.exit(1);
});
