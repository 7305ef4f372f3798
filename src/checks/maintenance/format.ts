/** @module Numbers in messages, written the way an operator reads them. */

/** `3 d 4 h ago`: how long before the snapshot a vacuum or analyze ran. */
export function ago(then: string, collectedAt: string): string {
  const s = Math.max(0, Math.round((Date.parse(collectedAt) - Date.parse(then)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ago`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h ago`;
}

/** A whole count with thousands separators: 1,234,567. */
export function count(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** A multiple for messages: 2.5×, 120×. */
export function times(multiple: number): string {
  return `${multiple >= 10 ? Math.round(multiple).toLocaleString("en-US") : multiple.toFixed(1)}×`;
}

/** 24.1 MB: binary units, one decimal below 100. */
export function bytesText(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}
