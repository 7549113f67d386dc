/**
 * Load generators run in a child process, so they do not compete with the server for the main
 * thread. The child prints one JSON line last; this returns it.
 */
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../src/runtime/node-parts';

export function runChildJson<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as T);
      } catch {
        reject(new Error(`load generator exited ${code}: ${out.slice(0, 300)}`));
      }
    });
  });
}
