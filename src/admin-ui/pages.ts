/** Each catalog tab's routes, mounted under /admin/c/:catalog. One module per tab. */
import type { Hono } from 'hono';
import type { UiEnv } from './context';
import { creativePages } from './pages/creatives';
import { feedPages } from './pages/feeds';
import { productPages } from './pages/products';
import { importPages } from './pages/import';
import { settingsPages } from './pages/settings';
import { signalsPages } from './pages/signals';
import { audiencesPages } from './pages/audiences';
import { snippetPages } from './pages/snippet';

export function registerCatalogPages(app: Hono<UiEnv>): void {
  void app;
  productPages(app);
  feedPages(app);
  creativePages(app);
  settingsPages(app);
  importPages(app);
  signalsPages(app);
  audiencesPages(app);
  snippetPages(app);
}
