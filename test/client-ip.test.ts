/**
 * Per-client rate limits key on the caller's address. On Node that is the socket unless
 * TRUST_PROXY says a proxy sets X-Forwarded-For: without it, a client rotating forged headers
 * must still be one client (sign-in brute force was limited per forged header before).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../src/env';
import { startServer, type RunningServer } from '../src/runtime/node';
import { freePort } from '../src/runtime/wrangler-local';

const TOKEN = 'client-ip-admin-token-0123';
let server: RunningServer | undefined;
let dir = '';

async function start(trustProxy: boolean): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'adfeed-client-ip-'));
  const port = await freePort();
  const settings = parseSettings({
    ADMIN_TOKEN: TOKEN,
    ADFEED_DB: join(dir, 'db.sqlite'),
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TRUST_PROXY: trustProxy ? 'true' : undefined,
  });
  server = await startServer(settings);
  return `http://127.0.0.1:${port}`;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Wrong-token sign-ins, each claiming another address; the statuses answered. */
async function guesses(url: string, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url, 'x-forwarded-for': `198.51.100.${i + 1}` },
      body: 'token=wrong-guess',
    });
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  return statuses;
}

describe('client address for rate limits (Node)', () => {
  it('ignores X-Forwarded-For by default: forged addresses share the socket’s sign-in budget', async () => {
    const statuses = await guesses(await start(false), 8);
    expect(statuses.slice(0, 5)).toEqual([303, 303, 303, 303, 303]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  });

  it('with TRUST_PROXY, tells clients apart by X-Forwarded-For (a proxy sets it)', async () => {
    const statuses = await guesses(await start(true), 8);
    expect(statuses).toEqual(Array(8).fill(303));
  });
});
