/** @module Sizes as people type them (`8GB`, `512Mi`) and as postgresql.conf wants them (`2GB`, `1792MB`, `3932kB`). */

const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;
const TB = 1024 * GB;

/** PostgreSQL's memory units are binary (1kB = 1024 B); so are ours, whatever the spelling. */
const UNIT_BYTES: Readonly<Record<string, number>> = { b: 1, k: KB, m: MB, g: GB, t: TB, p: 1024 * TB };

/** `8GB`, `8G`, `8GiB`, `8Gi`, `1.5TB`, `512mb`; a bare number is refused because its unit would be a guess. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([bkmgtp])(?:ib|b|i)?\s*$/i.exec(text);
  if (!match) return undefined;
  const scale = UNIT_BYTES[(match[2] ?? "").toLowerCase()];
  return scale === undefined ? undefined : Math.floor(Number(match[1]) * scale);
}

/**
 * A kB amount the way pgtune writes it: the largest unit that loses nothing (GB, then MB, else kB), so a
 * value stays exact in the file and the server reads back exactly what was computed.
 */
export function formatKb(kb: number): string {
  if (kb % (GB / KB) === 0) return `${kb / (GB / KB)}GB`;
  if (kb % (MB / KB) === 0) return `${kb / (MB / KB)}MB`;
  return `${kb}kB`;
}

/** For people: `2 GB`, `1.5 GB`, `300 MB`. */
export function describeBytes(bytes: number): string {
  const units: Array<[number, string]> = [[TB, "TB"], [GB, "GB"], [MB, "MB"], [KB, "kB"]];
  for (const [size, name] of units) {
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1)} ${name}`;
    }
  }
  return `${bytes} B`;
}

/** Bytes in one of pg_settings' memory units (`8kB`, `kB`, `MB`, `B`); undefined for other units. */
function memoryUnitBytes(unit: string | null | undefined): number | undefined {
  if (!unit) return undefined;
  const match = /^(\d+)?(B|kB|MB|GB|TB)$/.exec(unit);
  if (!match) return undefined;
  const scale: Readonly<Record<string, number>> = { B: 1, kB: KB, MB, GB, TB };
  return Number(match[1] ?? 1) * (scale[match[2] ?? "B"] ?? 1);
}

/**
 * A memory setting's value in bytes, as written in a configuration file or reported by pg_settings: with
 * its own unit (`2GB`, `'64MB'`) or a bare number in the setting's base unit (`262144` of `8kB`).
 */
export function settingBytes(raw: string, baseUnit: string | null | undefined): number | undefined {
  const text = raw.trim().replace(/^'(.*)'$/, "$1").trim();
  const base = memoryUnitBytes(baseUnit);
  if (/^-?\d+(\.\d+)?$/.test(text)) return base === undefined ? undefined : Number(text) * base;
  const match = /^(\d+(?:\.\d+)?)\s*(B|kB|MB|GB|TB)$/.exec(text);
  if (!match) return undefined;
  const unitBytes = memoryUnitBytes(match[2]);
  return unitBytes === undefined ? undefined : Number(match[1]) * unitBytes;
}

export const BYTES = { KB, MB, GB, TB } as const;
