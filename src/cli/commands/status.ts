/** @module `pgready status [TARGET]`: the server at a glance. */
import { EXIT_CODES } from "../../core/errors.js";
import { withSession } from "../../db/session.js";
import { renderStatus } from "../../report/status-text.js";
import { collectStatus } from "../../status/index.js";
import { parseSecondsFlag } from "../flags.js";
import { painters } from "../output.js";
import { resolveTarget } from "../project.js";
import type { CommandSpec } from "../spec.js";

const DEFAULT_SAMPLE_S = 1;

export const statusCommand: CommandSpec = {
  name: "status",
  summary: "the server at a glance",
  usage: "pgready status [TARGET] [--sample SECONDS] [--json]",
  description:
    "A DBA's first five minutes on a server, read-only: version and uptime, primary or replica, data checksums, " +
    "database sizes, connections used of max by state and the reserved slots, cache hit ratio, transactions per " +
    "second over a short sample, replication senders or receiver with lag, slots, WAL archiving, settings waiting " +
    "for a restart, and installed extensions. Runs in READ ONLY transactions with statement_timeout and " +
    "lock_timeout set; a role with only pg_monitor sees everything, a lesser role gets notes on what is hidden. " +
    "TARGET is a name from pgready.yaml, `sandbox`, a postgres:// URI or key=value conninfo; without it the " +
    "default target, DATABASE_URL, DB_* or PG* variables are used. --json prints schema pgready.status/v1 (docs/status.md).",
  options: {
    sample: {
      type: "string",
      valueName: "SECONDS",
      description: `how long to sample transaction counters (default ${DEFAULT_SAMPLE_S}; 0 skips it and shows the average since stats reset)`,
    },
  },
  examples: [
    ["pgready status sandbox", "the local sandbox"],
    ["pgready status \"postgresql://app@db.internal:5432/appdb?sslmode=verify-full&sslrootcert=ca.crt\"", "a server by URI, verifying its certificate and host name"],
    ["PGHOST=db PGUSER=monitor pgready status", "libpq environment variables and ~/.pgpass, as psql uses them"],
    ["pgready status prod --json | jq .connections", "a target from pgready.yaml, as JSON"],
  ],
  maxPositionals: 1,
  async run(context) {
    const sampleSeconds = parseSecondsFlag(context.values["sample"], "--sample", 60) ?? DEFAULT_SAMPLE_S;
    const target = await resolveTarget(context, context.positionals[0]);
    for (const notice of target.settings.notices) context.out.info(`note: ${notice}`);
    const status = await withSession(target.settings, target.guards, (session) =>
      collectStatus(session, { target: target.display, sampleSeconds }),
    );
    if (context.json) context.out.json(status);
    else for (const line of renderStatus(status, painters(context.out.color))) context.out.line(line);
    return EXIT_CODES.ok;
  },
};
