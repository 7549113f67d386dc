/** A one-line progress bar on stderr for long imports (plain periodic lines when not a TTY). */
export function progressBar(total: number, label: string) {
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  const started = Date.now();
  const draw = (done: number, rows: number, final = false) => {
    const now = Date.now();
    if (!final && now - lastDraw < (tty ? 100 : 2000)) return;
    lastDraw = now;
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const width = 30;
    const filled = Math.round(share * width);
    const secs = (now - started) / 1000;
    const rate = secs > 0 ? Math.round(rows / secs) : 0;
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString('en')} rows  ${rate.toLocaleString('en')} rows/s`;
    if (tty) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
    else process.stderr.write(`${line}\n`);
  };
  return { update: (bytes: number, rows: number) => draw(bytes, rows), finish: (bytes: number, rows: number) => draw(bytes, rows, true) };
}
