/** @module Numbers as people read them: sizes, durations, ratios. */

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "hidden";
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "unknown";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

export function formatPercent(ratio: number | null, digits = 1): string {
  return ratio === null ? "n/a" : `${(ratio * 100).toFixed(digits)} %`;
}

export function formatRate(perSecond: number | null): string {
  if (perSecond === null) return "n/a";
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1);
}
