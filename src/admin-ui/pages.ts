/** Each catalog tab's routes, mounted under /admin/c/:catalog. One module per tab. */
import type { Hono } from 'hono';
import type { UiEnv } from './context';

export function registerCatalogPages(app: Hono<UiEnv>): void {
  void app;
}
