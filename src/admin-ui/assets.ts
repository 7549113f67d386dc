/** The admin UI's island scripts, served from /admin/assets/<name>. Each is small and dependency-free. */
import { COPY_BUTTONS } from './assets/copy-buttons';

export const ASSETS: Record<string, string> = {
  'copy.js': COPY_BUTTONS,
};
