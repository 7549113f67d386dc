/**
 * Rows processed by imports still running, for the admin UI's progress bar. The uploader names
 * its upload (`X-Upload-Id`, chosen by the client before the import id exists) and polls
 * `GET /admin/catalogs/:catalog/imports/progress/:uploadId` while the body streams in. In memory
 * and per instance: progress is a courtesy, the import report is the record.
 */
export const UPLOAD_ID = /^[A-Za-z0-9_-]{8,64}$/;

export interface UploadProgress {
  rows: number;
  done: boolean;
}

export class ImportProgress {
  private readonly uploads = new Map<string, UploadProgress & { at: number }>();

  constructor(private readonly maxEntries = 1000) {}

  update(catalogId: number, uploadId: string, rows: number, done: boolean, nowMs: number): void {
    const key = `${catalogId}:${uploadId}`;
    this.uploads.delete(key);
    this.uploads.set(key, { rows, done, at: nowMs });
    // oldest first (Map order): keep the registry small
    for (const k of this.uploads.keys()) {
      if (this.uploads.size <= this.maxEntries) break;
      this.uploads.delete(k);
    }
  }

  get(catalogId: number, uploadId: string): UploadProgress | null {
    const p = this.uploads.get(`${catalogId}:${uploadId}`);
    return p ? { rows: p.rows, done: p.done } : null;
  }
}
