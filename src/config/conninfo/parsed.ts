/** @module One source of connection keywords (a string, the environment, a service section), as parsed. */
import { registerSecret } from "../../core/redact.js";
import type { Keyword } from "./keywords.js";

export interface ParsedConninfo {
  /** keyword → value. An empty value counts as not given, so `host=''` and `PGHOST=` leave the default. */
  readonly values: ReadonlyMap<Keyword, string>;
  /** keyword → where it was written (`PGPORT`, `DATABASE_URL`, a service file line), for error messages. */
  readonly places: ReadonlyMap<Keyword, string>;
  /** Things the user should know, e.g. a driver suffix or pool parameters that were dropped. */
  readonly notices: readonly string[];
}

export const EMPTY_CONNINFO: ParsedConninfo = { values: new Map(), places: new Map(), notices: [] };

const SECRET_KEYWORDS: ReadonlySet<Keyword> = new Set(["password", "sslpassword"]);

/** Collects keywords as a parser meets them; later values replace earlier ones, as in libpq. */
export class ConninfoBuilder {
  private readonly values = new Map<Keyword, string>();
  private readonly places = new Map<Keyword, string>();
  private readonly notices: string[] = [];

  set(keyword: Keyword, value: string, place: string): void {
    if (SECRET_KEYWORDS.has(keyword)) registerSecret(value);
    if (value === "") {
      this.values.delete(keyword);
      this.places.delete(keyword);
      return;
    }
    this.values.set(keyword, value);
    this.places.set(keyword, place);
  }

  has(keyword: Keyword): boolean {
    return this.values.has(keyword);
  }

  notice(text: string): void {
    this.notices.push(text);
  }

  isEmpty(): boolean {
    return this.values.size === 0;
  }

  build(): ParsedConninfo {
    return { values: new Map(this.values), places: new Map(this.places), notices: [...this.notices] };
  }
}

/** `over` wins keyword by keyword, as separate fields in pgready.yaml win over its url; notices of both are kept. */
export function overlay(under: ParsedConninfo, over: ParsedConninfo): ParsedConninfo {
  return {
    values: new Map([...under.values, ...over.values]),
    places: new Map([...under.places, ...over.places]),
    notices: [...under.notices, ...over.notices],
  };
}
