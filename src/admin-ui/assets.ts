/** The admin UI's island scripts, served from /admin/assets/<name>. Each is small and dependency-free. */
import { COPY_BUTTONS } from './assets/copy-buttons';
import { IMPORT_UPLOAD } from './assets/import-upload';

export const ASSETS: Record<string, string> = {
  'copy.js': COPY_BUTTONS,
  'import-upload.js': IMPORT_UPLOAD,
};
