/** @module The resolved connection settings: libpq's keywords, typed, after every source is merged. */

/** libpq's six sslmode values, with libpq's meaning (see docs/connections.md). */
export const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

export const TARGET_SESSION_ATTRS = ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"] as const;
export type TargetSessionAttrs = (typeof TARGET_SESSION_ATTRS)[number];

/** One host to try: a TCP name/address, or a Unix socket directory (starts with `/`). */
export interface HostEntry {
  readonly host: string;
  readonly port: number;
  /** libpq's hostaddr: a numeric address used instead of resolving `host` (host still names it for TLS). */
  readonly hostaddr?: string | undefined;
}

/** Where a setting came from, so `pgready` can explain its choice. */
export type SettingSource = "conninfo" | "env" | "config" | "pgpass" | "service" | "default";

/** Everything needed to open a session, after precedence has been applied. */
export interface ConnSettings {
  /** Tried in order, as libpq does with `host=a,b`. Never empty. */
  readonly hosts: readonly HostEntry[];
  readonly dbname: string;
  readonly user: string;
  /** Never printed; displays use `displayTarget`. */
  readonly password?: string | undefined;
  readonly passwordSource?: SettingSource | undefined;
  /** The password file libpq's rules chose (passfile, PGPASSFILE, ~/.pgpass); `passwordFor` reads it per host. */
  readonly passfile?: string | undefined;
  readonly sslmode: SslMode;
  readonly sslrootcert?: string | undefined;
  readonly sslcert?: string | undefined;
  readonly sslkey?: string | undefined;
  readonly sslpassword?: string | undefined;
  /** Certificate revocation list for verify-ca/verify-full. */
  readonly sslcrl?: string | undefined;
  /** Send SNI (libpq default 1). */
  readonly sslsni: boolean;
  readonly applicationName: string;
  /** Seconds; 0 means wait forever (libpq). */
  readonly connectTimeout: number;
  readonly targetSessionAttrs: TargetSessionAttrs;
  /** libpq `options`, e.g. `-c search_path=app`. */
  readonly options?: string | undefined;
  /** Notices for the user: ignored URL parameters, a driver suffix that was dropped. */
  readonly notices: readonly string[];
}
