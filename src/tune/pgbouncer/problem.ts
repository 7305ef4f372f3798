/** @module Why pgbouncer.ini and userlist.txt cannot be written: one input that is wrong, where, and how to fix it. */

export interface PgbouncerProblem {
  readonly message: string;
  readonly hint?: string | undefined;
  /** The pgready.yaml key to blame, e.g. `pgbouncer.users.app.password`; the CLI turns it into file:line. */
  readonly key?: readonly string[] | undefined;
  /** The flag to blame instead, e.g. `--max-connections`. */
  readonly flag?: string | undefined;
}
