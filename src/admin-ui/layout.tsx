/**
 * The admin UI's page shell: skip link, header with sign-out, the catalog's tab bar, and one
 * small stylesheet. Server-rendered with hono/jsx, which escapes every text and attribute, so a
 * product titled `<script>` shows as text. Scripts are files under /admin/assets (no inline
 * script: the Content-Security-Policy forbids it).
 */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { STYLES } from './styles';

export interface PageProps {
  title: string;
  csrf: string;
  /** the catalog whose tabs to show */
  catalog?: { slug: string; title: string };
  /** which tab is current */
  tab?: TabName;
  /** island scripts from /admin/assets to load */
  scripts?: string[];
  children?: Child;
}

export const TABS = [
  ['overview', 'Settings', ''],
  ['import', 'Import', '/import'],
  ['products', 'Products', '/products'],
  ['feeds', 'Feeds', '/feeds'],
  ['creatives', 'Creatives', '/creatives'],
  ['signals', 'Signals', '/signals'],
  ['audiences', 'Audiences', '/audiences'],
  ['snippet', 'Pixel snippet', '/snippet'],
] as const;
export type TabName = (typeof TABS)[number][0];

export const catalogPath = (slug: string, rest = '') => `/admin/c/${encodeURIComponent(slug)}${rest}`;

export function Page(props: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={props.csrf} />
        <title>{props.catalog ? `${props.title} · ${props.catalog.title} · adfeed` : `${props.title} · adfeed`}</title>
        {/* raw: our own constant stylesheet; escaping would turn its quotes into &quot; and break rules */}
        <style>{raw(STYLES)}</style>
        {(props.scripts ?? []).map((s) => (
          <script src={`/admin/assets/${s}`} defer></script>
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/admin">
            adfeed
          </a>
          {props.catalog ? <span class="crumb">{props.catalog.title}</span> : null}
          {props.csrf ? (
            <form method="post" action="/admin/logout" class="signout">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <button type="submit" class="link">
                Sign out
              </button>
            </form>
          ) : null}
        </header>
        {props.catalog ? (
          <nav class="tabs" aria-label="Catalog">
            {TABS.map(([name, label, path]) => (
              <a href={catalogPath(props.catalog!.slug, path)} aria-current={props.tab === name ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </nav>
        ) : null}
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A notice box: results of a form, errors. */
export function Notice(props: { kind: 'ok' | 'error' | 'info'; children?: Child }) {
  return (
    <div class={`notice ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}
