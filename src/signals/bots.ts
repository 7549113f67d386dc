/**
 * Crawlers, link previewers, monitors and headless browsers execute pages (and so the snippet)
 * but are not shoppers: their events would inflate views and pollute audiences. A compact list of
 * the patterns they announce; anything that hides its user agent gets through, which is why
 * consent and rate limits do not rely on this.
 *
 * Not listed on purpose: Gmail's GoogleImageProxy and Apple Mail's proxies fetch /px.gif on
 * behalf of a real reader opening an e-mail, and HTTP libraries (curl, python-requests, Go, Node)
 * are how shops forward events from their own servers.
 */
const BOT = /bot\b|crawl|spider|slurp|headless|phantomjs|puppeteer|playwright|selenium|lighthouse|pingdom|uptime|preview|facebookexternalhit|scrapy/i;
/** Android phones by Cubot say "CUBOT" in their user agent. */
const NOT_BOT = /cubot/i;

export function isBot(userAgent: string | undefined): boolean {
  if (!userAgent) return false;
  return BOT.test(userAgent) && !NOT_BOT.test(userAgent);
}
