/**
 * Resolving `/feeds/:catalog/:feed.:ext` to a catalog, a definition and a format, and checking
 * a protected feed's token. Shared by the public feed route and the admin diagnostics.
 */
import type { Context } from 'hono';
import { timingSafeEqual } from 'hono/utils/buffer';
import type { Catalog } from '../catalog/catalog';
import type { AppDeps, AppEnv } from '../deps';
import { AppError, notFound } from '../errors';
import { sha256Hex } from '../util/crypto';
import { getChannel } from './channels';
import type { FeedFormat } from './channels/channel';
import type { FeedDefinition } from './definition';

const FEED_FILE = /^([a-z0-9][a-z0-9_-]{0,63})\.(xml|csv|tsv)$/;

export function findDefinition(deps: AppDeps, name: string): FeedDefinition {
  const definition = deps.feeds.find((d) => d.name === name);
  if (!definition) {
    throw notFound(`no feed "${name.slice(0, 64)}"; feeds: ${deps.feeds.map((d) => d.name).join(', ')}`);
  }
  return definition;
}

/** `google.xml` → the google definition in xml; a format its channel cannot write is a 404 with the reason. */
export function resolveFeedFile(deps: AppDeps, file: string): { definition: FeedDefinition; format: FeedFormat } {
  const m = FEED_FILE.exec(file);
  if (!m?.[1] || !m[2]) throw notFound('feed URLs look like /feeds/<catalog>/<feed>.xml, .csv or .tsv');
  const definition = findDefinition(deps, m[1]);
  const format = m[2] as FeedFormat;
  const channel = getChannel(definition.channel);
  if (!channel.formats.includes(format)) {
    throw notFound(
      `feed "${definition.name}" is a ${channel.label} feed, which is served as ${channel.formats.map((f) => `.${f}`).join(' or ')}, not .${format}`,
    );
  }
  return { definition, format };
}

/**
 * A feed is protected once a token has been issued for it. Ad platforms send the token as
 * `?token=` or as the password of HTTP Basic auth (Google and Meta scheduled fetches support both).
 * A definition marked `protected` is refused until its token exists, rather than served openly.
 */
export async function checkFeedAccess(c: Context<AppEnv>, catalog: Catalog, definition: FeedDefinition): Promise<boolean> {
  const { store } = c.get('deps');
  const tokenHash = await store.getFeedTokenHash(catalog.id, definition.name);
  if (!tokenHash) {
    if (definition.protected) {
      throw new AppError(
        403,
        'feed_not_issued',
        `feed "${definition.name}" is protected and has no token yet; issue one with POST /admin/catalogs/${catalog.slug}/feeds/${definition.name}/token`,
      );
    }
    return false;
  }
  const given = c.req.query('token') ?? basicPassword(c.req.header('authorization'));
  if (!given || !(await timingSafeEqual(await sha256Hex(given), tokenHash))) {
    c.header('WWW-Authenticate', `Basic realm="adfeed ${catalog.slug}/${definition.name}", charset="UTF-8"`);
    throw new AppError(401, 'unauthorized', 'this feed is protected: pass its token as ?token= or as the Basic auth password');
  }
  return true;
}

function basicPassword(header: string | undefined): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  try {
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(m[1]), (ch) => ch.charCodeAt(0)));
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  } catch {
    return undefined;
  }
}
