/**
 * Photo formats by magic bytes. A product photo URL is untrusted: whatever its Content-Type or
 * extension says, only these byte signatures reach the image decoder (an SVG, HTML page, PDF
 * or anything else is refused before sharp sees it).
 */
export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif';

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

export function sniffImage(b: Uint8Array): PhotoFormat | null {
  if (b.length < 12) return null;
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'gif';
  // ISO-BMFF: size, `ftyp`, then the brand
  if (ascii(b, 4, 8) === 'ftyp' && ['avif', 'avis'].includes(ascii(b, 8, 12))) return 'avif';
  return null;
}
