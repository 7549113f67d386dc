import { PhotoError } from '../../src/creative/ports';

/** The PhotoError a photo fetch or decode rejects with; fails the test when it resolves or throws anything else. */
export async function photoFailure(p: Promise<unknown>): Promise<PhotoError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PhotoError) return err;
    throw err;
  }
  throw new Error('expected a PhotoError, the call succeeded');
}
