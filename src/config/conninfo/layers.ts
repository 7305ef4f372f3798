/** @module libpq's precedence, keyword by keyword: the connection string, then the service, then PG* variables. */
import type { SettingSource } from "./types.js";
import type { Keyword } from "./keywords.js";
import type { ParsedConninfo } from "./parsed.js";

/** One keyword's winning value and where it was written. */
export interface Setting {
  readonly value: string;
  readonly place: string;
  readonly source: SettingSource;
}

export interface Layer {
  readonly source: SettingSource;
  readonly conninfo: ParsedConninfo;
}

export class Layers {
  constructor(private readonly layers: readonly Layer[]) {}

  get(keyword: Keyword): Setting | undefined {
    for (const { source, conninfo } of this.layers) {
      const value = conninfo.values.get(keyword);
      if (value !== undefined) return { value, place: conninfo.places.get(keyword) ?? source, source };
    }
    return undefined;
  }

  /**
   * sslmode, else the legacy requiressl=1 (PGREQUIRESSL) read as require; within one source sslmode wins,
   * as libpq ranks PGSSLMODE over PGREQUIRESSL.
   */
  sslmode(): Setting | undefined {
    for (const { source, conninfo } of this.layers) {
      const sslmode = conninfo.values.get("sslmode");
      if (sslmode !== undefined) return { value: sslmode, place: conninfo.places.get("sslmode") ?? source, source };
      if (conninfo.values.get("requiressl")?.startsWith("1")) {
        return { value: "require", place: conninfo.places.get("requiressl") ?? source, source };
      }
    }
    return undefined;
  }

  notices(): string[] {
    return this.layers.flatMap(({ conninfo }) => conninfo.notices);
  }
}
