/** @module Reading pg_settings rows as typed values, in the units PostgreSQL reports them. */
import type { SettingRow } from "./snapshot/types.js";

export class Settings {
  private readonly byName: ReadonlyMap<string, SettingRow>;

  constructor(rows: readonly SettingRow[]) {
    this.byName = new Map(rows.map((row) => [row.name, row]));
  }

  row(name: string): SettingRow | undefined {
    return this.byName.get(name);
  }

  text(name: string): string | undefined {
    return this.byName.get(name)?.setting;
  }

  number(name: string): number | undefined {
    const value = this.byName.get(name)?.setting;
    return value === undefined || value === "" ? undefined : Number(value);
  }

  bool(name: string): boolean | undefined {
    const value = this.byName.get(name)?.setting;
    return value === undefined ? undefined : value === "on";
  }

  /** A memory or size setting in bytes, whatever its unit (8kB pages, kB, MB). */
  bytes(name: string): number | undefined {
    const row = this.byName.get(name);
    if (!row || row.setting === "" || row.setting === "-1") return undefined;
    return Number(row.setting) * unitBytes(row.unit);
  }

  /** A time setting in seconds, whatever its unit (ms, s, min). */
  seconds(name: string): number | undefined {
    const row = this.byName.get(name);
    if (!row || row.setting === "") return undefined;
    const factor: Record<string, number> = { ms: 0.001, s: 1, min: 60, h: 3600, d: 86_400 };
    return Number(row.setting) * (factor[row.unit ?? "s"] ?? 1);
  }

  /** Values of a list setting: shared_preload_libraries. */
  list(name: string): string[] {
    return (this.text(name) ?? "")
      .split(",")
      .map((item) => item.trim().replace(/^"|"$/g, ""))
      .filter(Boolean);
  }
}

function unitBytes(unit: string | null): number {
  if (!unit) return 1;
  const match = /^(\d+)?(B|kB|MB|GB|TB)$/.exec(unit);
  if (!match) return 1;
  const scale: Record<string, number> = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
  return Number(match[1] ?? 1) * (scale[match[2] ?? "B"] ?? 1);
}
