/**
 * @module What a pg_hba.conf rule is once parsed: a connection type, databases, users, an address and
 * an authentication method with its options; and where it came from, so every finding names its line.
 */

export const CONNECTION_TYPES = ["local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

export const AUTH_METHODS = [
  "trust",
  "reject",
  "scram-sha-256",
  "md5",
  "password",
  "gss",
  "sspi",
  "ident",
  "peer",
  "ldap",
  "radius",
  "cert",
  "pam",
  "bsd",
  "oauth",
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** One entry of the database field. `samegroup` is read as its alias `samerole`. */
export type DatabaseItem =
  | { readonly kind: "all" }
  | { readonly kind: "sameuser" }
  | { readonly kind: "samerole" }
  | { readonly kind: "replication" }
  | { readonly kind: "name"; readonly name: string }
  /** PostgreSQL 16+: a leading slash makes the rest a regular expression. */
  | { readonly kind: "regex"; readonly pattern: string };

/** One entry of the user field. */
export type UserItem =
  | { readonly kind: "all" }
  | { readonly kind: "name"; readonly name: string }
  /** `+role`: members of the role (and the role itself), directly or indirectly. */
  | { readonly kind: "group"; readonly role: string }
  | { readonly kind: "regex"; readonly pattern: string };

export type IpFamily = 4 | 6;

export type Address =
  | { readonly kind: "all" }
  | { readonly kind: "samehost" }
  | { readonly kind: "samenet" }
  | {
      readonly kind: "ip";
      readonly family: IpFamily;
      /** The address as written, host bits included: PostgreSQL masks the client's address, not this one. */
      readonly address: bigint;
      readonly mask: bigint;
      /** The prefix length when the mask is contiguous; a mask column may hold any mask. */
      readonly prefix: number | undefined;
      /** `10.0.0.0/8`, or `10.0.0.0 255.0.0.0` for a mask column. */
      readonly text: string;
    }
  /** A host name, resolved per connection (reverse then forward lookup); `.example.com` matches a suffix. */
  | { readonly kind: "hostname"; readonly name: string; readonly suffix: boolean };

export interface HbaOption {
  readonly name: string;
  readonly value: string;
}

export interface HbaRule {
  /** The file the rule is in (an included file for `include` lines). */
  readonly file: string;
  /** The line the record starts on; a continued record keeps its first line. */
  readonly line: number;
  /** The record as written, continuations joined: what a person searches the file for. */
  readonly text: string;
  readonly type: ConnectionType;
  readonly databases: readonly DatabaseItem[];
  readonly users: readonly UserItem[];
  /** Undefined for `local` records, which have no address field. */
  readonly address: Address | undefined;
  readonly method: AuthMethod;
  readonly options: readonly HbaOption[];
}

/** A line the server would refuse, with the token that makes it so. */
export interface HbaSyntaxError {
  readonly file: string;
  /** 0 when the problem is the file as a whole (it holds no rules). */
  readonly line: number;
  readonly message: string;
  /** The offending token as written, when one is to blame. */
  readonly token?: string | undefined;
  readonly hint?: string | undefined;
}

export interface HbaParseResult {
  readonly rules: readonly HbaRule[];
  readonly errors: readonly HbaSyntaxError[];
}
