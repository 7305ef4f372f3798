/**
 * @module Desired against actual: each recommended setting compared with what the server has (or will have
 * after its pending restart). Values within 5 % are left alone, so a re-run after an apply plans nothing.
 */
import type { RecommendedSetting } from "./recommend.js";
import type { LiveSetting } from "./server.js";
import { BYTES, formatKb, settingBytes } from "./size.js";

/** Close enough: tuning is not precise to 5 %, and churn (restarts) costs more than the difference. */
const TOLERANCE = 0.05;

export type Effect = "reload" | "restart";

export type PlanRow =
  | { readonly name: string; readonly status: "change"; readonly current: string; readonly recommended: string; readonly effect: Effect; readonly setting: RecommendedSetting }
  | { readonly name: string; readonly status: "keep"; readonly current: string; readonly recommended: string; readonly effect: Effect; readonly note: string }
  | { readonly name: string; readonly status: "unavailable"; readonly current: string; readonly recommended: string; readonly note: string };

export interface TunePlan {
  readonly rows: readonly PlanRow[];
  /** The rows to apply, in the rules' order. */
  readonly changes: ReadonlyArray<Extract<PlanRow, { status: "change" }>>;
  /** Of the changes, those that take effect only at a restart. */
  readonly restartNeeded: readonly string[];
}

/** Spellings PostgreSQL treats as the same value. */
const SAME_VALUE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  wal_compression: { on: "pglz", true: "pglz", yes: "pglz", "1": "pglz" },
};
const BOOL_TRUE = new Set(["on", "true", "yes", "1"]);
const BOOL_FALSE = new Set(["off", "false", "no", "0"]);

export function planChanges(recommended: readonly RecommendedSetting[], live: ReadonlyMap<string, LiveSetting>): TunePlan {
  const rows = recommended.map((setting) => planRow(setting, live.get(setting.name)));
  const changes = rows.filter((row): row is Extract<PlanRow, { status: "change" }> => row.status === "change");
  return { rows, changes, restartNeeded: changes.filter((row) => row.effect === "restart").map((row) => row.name) };
}

function planRow(setting: RecommendedSetting, live: LiveSetting | undefined): PlanRow {
  if (!live) return { name: setting.name, status: "unavailable", current: "—", recommended: setting.value, note: "not a setting of this server version" };
  if (live.context === "internal") return { name: setting.name, status: "unavailable", current: show(live, live.setting), recommended: setting.value, note: "fixed when the server was built or initialised" };
  const effect: Effect = live.context === "postmaster" ? "restart" : "reload";
  if (live.pendingRestart && live.fileValue === undefined) {
    // Only a superuser may read pg_file_settings: the new value is unknown, but a change is on its way.
    return { name: setting.name, status: "keep", current: `${show(live, live.setting)} (changed, waiting for a restart)`, recommended: setting.value, effect, note: "a change waits for a restart" };
  }
  // What the server runs with once the files are reloaded (and it is restarted): what an apply would change.
  const target = configuredValue(live);
  const now = show(live, live.setting);
  const waiting = !sameValue(live, target, live.setting);
  const when = effect === "restart" ? "at restart" : "after reload";
  const current = waiting ? `${now} (${show(live, target)} ${when})` : now;
  const verdict = compare(setting, live, target);
  const kept = (note: string): PlanRow => ({ name: setting.name, status: "keep", current, recommended: setting.value, effect, note: waiting ? `${note}, ${when}` : note });
  if (verdict === "same") return kept("already set");
  if (verdict === "close") return kept("within 5 %");
  return { name: setting.name, status: "change", current, recommended: setting.value, effect, setting };
}

/** Files decide a setting unless the command line, the environment or the server itself overrides them. */
const FILE_DECIDES = new Set(["default", "configuration file"]);

function configuredValue(live: LiveSetting): string {
  return live.fileValue !== undefined && FILE_DECIDES.has(live.source) ? live.fileValue : live.setting;
}

type Verdict = "same" | "close" | "different";

function compare(setting: RecommendedSetting, live: LiveSetting, raw: string): Verdict {
  if (setting.kind === "memory" && setting.numeric !== undefined) {
    const current = settingBytes(raw, live.unit);
    return current === undefined ? "different" : closeness(current, setting.numeric * BYTES.KB);
  }
  if ((setting.kind === "integer" || setting.kind === "real") && setting.numeric !== undefined) {
    const current = Number(unquote(raw));
    return Number.isFinite(current) ? closeness(current, setting.numeric) : "different";
  }
  return normalise(live, raw) === normalise(live, setting.value) ? "same" : "different";
}

function sameValue(live: LiveSetting, a: string, b: string): boolean {
  const [bytesA, bytesB] = [settingBytes(a, live.unit), settingBytes(b, live.unit)];
  if (bytesA !== undefined && bytesB !== undefined) return bytesA === bytesB;
  const [numberA, numberB] = [Number(unquote(a)), Number(unquote(b))];
  if (Number.isFinite(numberA) && Number.isFinite(numberB)) return numberA === numberB;
  return normalise(live, a) === normalise(live, b);
}

function closeness(current: number, wanted: number): Verdict {
  if (current === wanted) return "same";
  return Math.abs(current - wanted) <= TOLERANCE * Math.abs(wanted) ? "close" : "different";
}

function normalise(live: LiveSetting, raw: string): string {
  const value = unquote(raw).toLowerCase();
  if (live.vartype === "bool") {
    if (BOOL_TRUE.has(value)) return "on";
    if (BOOL_FALSE.has(value)) return "off";
  }
  return SAME_VALUE[live.name]?.[value] ?? value;
}

/** For people: memory in the units postgresql.conf would use, everything else as the server says it. */
function show(live: LiveSetting, raw: string): string {
  const bytes = settingBytes(raw, live.unit);
  if (bytes !== undefined && bytes >= 0 && Number.isInteger(bytes / BYTES.KB)) return formatKb(bytes / BYTES.KB);
  return unquote(raw);
}

function unquote(raw: string): string {
  return raw.trim().replace(/^'(.*)'$/, "$1");
}
