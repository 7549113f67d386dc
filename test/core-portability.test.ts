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

/** Relative imports of a module, resolved to files (.ts, .tsx, or index.ts). */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const base = join(file, '..', m[1]!);
    const found = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base].find((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return false;
      }
    });
    if (found) out.push(found);
  }
  return out;
}

describe('the Worker bundle', () => {
  it('reaches no Node built-in, Buffer or native module from src/runtime/worker.ts', () => {
    const seen = new Set<string>();
    const queue = [join(ROOT, 'src', 'runtime', 'worker.ts')];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      queue.push(...localImports(file));
    }
    const reached = [...seen].map((f) => relative(ROOT, f));
    // the graph really was walked: the app, the D1 driver, the templates
    expect(reached).toEqual(expect.arrayContaining(['src/app.ts', 'src/store/drivers/d1.ts', 'templates/index.ts', 'src/runtime/r2-blob-cache.ts']));
    expect(reached.filter((f) => FORBIDDEN.test(readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
  });
});
