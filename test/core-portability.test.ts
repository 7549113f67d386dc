/**
 * Core code must run on Cloudflare Workers too: only the runtime entries, the CLI, the
 * better-sqlite3 driver and the Node-only demo images may import Node built-ins or native modules.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const NODE_ONLY = [/^src\/runtime\//, /^src\/cli\//, /^src\/store\/drivers\//, /^src\/demo\/images\.ts$/];
const FORBIDDEN = /from\s+['"](node:[^'"]+|fs|path|os|stream|zlib|crypto|child_process|better-sqlite3|sharp)['"]|\bBuffer\./;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('core portability', () => {
  it('no Node built-ins, Buffer or native modules outside the Node-only folders', () => {
    const offenders = files(join(ROOT, 'src'))
      .map((f) => relative(ROOT, f))
      .filter((f) => !NODE_ONLY.some((re) => re.test(f)))
      .filter((f) => FORBIDDEN.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
