/**
 * `npx adfeed <command>`:
 *   import <file> --catalog <slug> [--mode replace|upsert|delete] [--format csv|tsv|json|ndjson|xml] [--confirm]
 *          [--title T --link URL --currency EUR]   (creates the catalog when it does not exist yet)
 *   serve
 *   feed <catalog> <feed> [--format xml|csv|tsv]    (writes the feed to stdout)
 * The database is ADFEED_DB (default ./data/adfeed.db), the same file `serve` uses.
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ImportTooLargeError, runImport } from '../catalog/import';
import { detectFormat, type ImportFormat } from '../catalog/parse';
import { catalogDefaults, catalogSettingsSchema } from '../catalog/settings-schema';
import { parseSettings } from '../env';
import { builtinDefinitions } from '../feeds/definitions-bundle';
import { feedImagePlan, serverCreativeLinks } from '../feeds/creative-links';
import { generateFeed } from '../feeds/generate';
import { TEMPLATES } from '../../templates/index';
import { catalogFeedPages } from '../feeds/pages';
import { IMPORT_MODES, type ImportMode } from '../store/port';
import { textStream } from '../util/streams';
import { openNodeStore } from '../runtime/node-parts';
import { startServer } from '../runtime/node';
import { progressBar } from './progress';

const USAGE = `usage:
  adfeed import <file> --catalog <slug> [--mode replace|upsert|delete] [--format csv|tsv|json|ndjson|xml] [--confirm]
                [--title "Shop" --link https://shop.example --currency EUR]
  adfeed serve
  adfeed feed <catalog> <feed> [--format xml|csv|tsv] > out.xml
environment: ADFEED_DB (default ./data/adfeed.db); serve also reads PORT, ADMIN_TOKEN, PUBLIC_URL, SIGNING_KEY`;

function fail(message: string, code = 2): never {
  console.error(`adfeed: ${message}`);
  process.exit(code);
}

const dbFile = () => process.env.ADFEED_DB || './data/adfeed.db';

async function importCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      catalog: { type: 'string' },
      mode: { type: 'string', default: 'replace' },
      format: { type: 'string' },
      confirm: { type: 'boolean', default: false },
      title: { type: 'string' },
      link: { type: 'string' },
      currency: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file || !values.catalog) fail(`import needs a file and --catalog\n${USAGE}`);
  if (!IMPORT_MODES.includes(values.mode as ImportMode)) fail(`--mode must be one of ${IMPORT_MODES.join(', ')}`);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    fail(`cannot read ${file}`);
  }
  const { store, close } = await openNodeStore(dbFile());
  try {
    let catalog = await store.getCatalog(values.catalog);
    if (!catalog) {
      if (!values.link) fail(`no catalog "${values.catalog}" in ${dbFile()}; pass --link (and --title, --currency) to create it`);
      const settings = catalogSettingsSchema.safeParse({
        ...catalogDefaults,
        title: values.title ?? values.catalog,
        link: values.link,
        currency: values.currency ?? catalogDefaults.currency,
      });
      if (!settings.success) fail(settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      catalog = (await store.putCatalog(values.catalog, settings.data, new Date().toISOString())).catalog;
    }
    const ext = file.split('.').pop()?.toLowerCase();
    const format = (values.format ?? detectFormat(undefined, ext, '')) as ImportFormat | null;
    if (!format) fail('cannot tell the format from the file name; pass --format csv|tsv|json|ndjson|xml');

    let bytes = 0;
    const bar = progressBar(size, `importing ${file}`);
    const nodeStream = createReadStream(file);
    nodeStream.on('data', (chunk) => {
      bytes += chunk.length;
    });
    const body = Readable.toWeb(nodeStream) as unknown as ReadableStream<Uint8Array>;
    const report = await runImport(store, catalog, body, {
      mode: values.mode as ImportMode,
      format,
      confirm: values.confirm,
      maxBytes: Number.MAX_SAFE_INTEGER,
      now: () => new Date(),
      onProgress: (rows) => bar.update(bytes, rows),
    });
    bar.finish(bytes, report.counts.rows);
    console.error(
      `${report.status}: ${report.counts.valid} valid, ${report.counts.invalid} invalid, ${report.counts.warnings} warnings` +
        (report.changes
          ? `; +${report.changes.added} ~${report.changes.updated} =${report.changes.unchanged} -${report.changes.removed}`
          : '') +
        (report.version !== null ? `; catalog version ${report.version}` : ''),
    );
    for (const issue of report.errors.slice(0, 20)) {
      console.error(`  line ${issue.line}${issue.field ? ` ${issue.field}` : ''}: ${issue.reason}`);
    }
    if (report.errors.length > 20) console.error(`  … ${report.counts.invalid - 20} more errors (GET /admin/catalogs/${catalog.slug}/imports/${report.id})`);
    if (report.message) console.error(report.message);
    process.exitCode = report.status === 'published' ? 0 : report.status === 'held' ? 3 : 1;
  } catch (err) {
    if (err instanceof ImportTooLargeError) fail(err.message, 1);
    throw err;
  } finally {
    close();
  }
}

async function feedCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string' } } });
  const [slug, name] = positionals;
  if (!slug || !name) fail(`feed needs a catalog and a feed name\n${USAGE}`);
  const definition = builtinDefinitions.find((d) => d.name === name);
  if (!definition) fail(`no feed "${name}"; feeds: ${builtinDefinitions.map((d) => d.name).join(', ')}`);
  const { store, close } = await openNodeStore(dbFile());
  try {
    const catalog = await store.getCatalog(slug);
    if (!catalog) fail(`no catalog "${slug}" in ${dbFile()}`);
    const settings = parseSettings({ ...process.env, ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? 'x'.repeat(16) });
    const now = new Date();
    // The server renders the images; the CLI only writes the links to them.
    const plan = feedImagePlan(definition, { templates: TEMPLATES, rendering: true });
    const chunks = generateFeed(catalogFeedPages(store, catalog), {
      catalog,
      definition,
      format: (values.format as typeof definition.format | undefined) ?? definition.format,
      publicUrl: settings.publicUrl,
      now,
      creatives: await serverCreativeLinks({ store, settings }, catalog, definition, plan, now),
    });
    await textStream(chunks).pipeTo(Writable.toWeb(process.stdout) as WritableStream<Uint8Array>);
  } finally {
    close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'import':
      return importCommand(rest);
    case 'feed':
      return feedCommand(rest);
    case 'serve': {
      const settings = parseSettings(process.env);
      const server = await startServer(settings, { onReady: (url) => console.log(`adfeed listening on ${url}`) });
      process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
      process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      fail(`unknown command "${command}"\n${USAGE}`);
  }
}

await main(process.argv.slice(2));
