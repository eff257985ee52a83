// The baseline of the server benchmark: a bare Hono app on the same Node adapter, no middleware.
//   GET /       a tiny JSON object through c.json
//   GET /same   the server's cached forecast document (read from BARE_PAYLOAD_FILE) through c.json
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const payloadFile = process.env['BARE_PAYLOAD_FILE'];
const payload: unknown = payloadFile ? JSON.parse(readFileSync(payloadFile, 'utf8')) : { ok: true };
const app = new Hono();
app.get('/', (c) => c.json({ ok: true, service: 'baseline' }));
app.get('/same', (c) => c.json(payload));
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: info.port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
