/** A merchant catalog: the settings every feed, pixel and creative of that shop reads. */

export const CONSENT_MODES = ['opt-in', 'opt-out'] as const;
export type ConsentMode = (typeof CONSENT_MODES)[number];

export interface Catalog {
  id: number;
  slug: string;
  title: string;
  /** The shop's home page; relative product links and images are resolved against it. */
  link: string;
  /** ISO 4217 code prices default to when a row gives none. */
  currency: string;
  /** BCP 47 locale, e.g. `nl-NL`. */
  locale: string;
  /** IANA time zone sale windows are read in. */
  timezone: string;
  consent_mode: ConsentMode;
  allowed_origins: string[];
  retention_days: number;
  /** Share of the live catalog a replace import may remove before it is held for confirmation. */
  max_drop_share: number;
  /** Bumped on every published change (import or settings); feeds pin it and derive their ETag from it. */
  version: number;
  /**
   * The performance label set feeds read (src/insights); bumped by each label refresh and pinned
   * per feed response like `version`. Optional: absent on catalogs built outside the store.
   */
  labels_version?: number;
  labels_refreshed_at?: string | null;
  created_at: string;
  updated_at: string;
}

/** One line-numbered finding of an import or a feed check. */
export interface Issue {
  /** 1-based line (CSV/NDJSON/XML line where the record starts); 0 for a whole-file finding. */
  line: number;
  field?: string;
  reason: string;
  /** The offending value, shortened, so a merchant can find it in the file. */
  value?: string;
}
