/**
 * @module The demo database `npm start` loads: a small multi-tenant shop (seed 001's tenant-first
 * pattern) and a short workload, so pg_stat_statements and the statistics views have something to show.
 */
import { DEFAULT_GUARDS, withSession } from "../db/session.js";
import { sandboxConnSettings } from "./target.js";
import type { SandboxState } from "./state.js";

export const DEMO_DATABASE = "pgready_demo";

const SCHEMA = `
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE SCHEMA IF NOT EXISTS shop;
CREATE TABLE IF NOT EXISTS shop.tenants (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS shop.customers (
  tenant_id bigint NOT NULL REFERENCES shop.tenants(id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, email)
);
CREATE TABLE IF NOT EXISTS shop.orders (
  tenant_id bigint NOT NULL REFERENCES shop.tenants(id),
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES shop.customers(id),
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
  total_cents integer NOT NULL CHECK (total_cents >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS orders_tenant_created_idx ON shop.orders (tenant_id, created_at);
CREATE INDEX IF NOT EXISTS orders_customer_idx ON shop.orders (customer_id);
`;

const DATA = `
INSERT INTO shop.tenants (name) SELECT 'tenant-' || g FROM generate_series(1, 20) g ON CONFLICT DO NOTHING;
INSERT INTO shop.customers (tenant_id, email)
  SELECT 1 + g % 20, 'customer' || g || '@example.test' FROM generate_series(1, 2000) g ON CONFLICT DO NOTHING;
INSERT INTO shop.orders (tenant_id, customer_id, status, total_cents, created_at)
  SELECT c.tenant_id, c.id, (ARRAY['new','paid','shipped','cancelled'])[1 + g % 4], (g * 37) % 50000,
         now() - (g % 90) * interval '1 day'
  FROM generate_series(1, 20000) g JOIN shop.customers c ON c.id = 1 + g % 2000
  WHERE NOT EXISTS (SELECT 1 FROM shop.orders LIMIT 1);
ANALYZE shop.tenants, shop.customers, shop.orders;
`;

/** A little of what an application does: lookups by tenant, a report, some updates. */
const WORKLOAD: ReadonlyArray<[string, (i: number) => unknown[]]> = [
  ["SELECT id, status, total_cents FROM shop.orders WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 20", (i) => [1 + (i % 20)]],
  ["SELECT count(*) FROM shop.orders WHERE customer_id = $1", (i) => [1 + (i % 2000)]],
  ["SELECT status, count(*), sum(total_cents) FROM shop.orders WHERE tenant_id = $1 GROUP BY status", (i) => [1 + (i % 20)]],
  ["UPDATE shop.orders SET status = 'paid' WHERE id = $1 AND status = 'new'", (i) => [1 + ((i * 7) % 20000)]],
  ["SELECT email FROM shop.customers WHERE email LIKE $1", (i) => [`customer${i % 50}%`]],
];

export interface DemoResult {
  readonly database: string;
  readonly created: boolean;
  readonly statements: number;
}

/** Create the demo database (once), load it, and run a short workload. Idempotent. */
export async function loadDemo(sandbox: SandboxState, rounds = 60): Promise<DemoResult> {
  const writer = { ...DEFAULT_GUARDS, readOnly: false, statementTimeoutMs: 120_000 };
  const created = await withSession(sandboxConnSettings(sandbox), writer, async (session) => {
    await session.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    const exists = await session.query("SELECT 1 FROM pg_database WHERE datname = $1", [DEMO_DATABASE]);
    if (exists.length > 0) return false;
    await session.query(`CREATE DATABASE ${DEMO_DATABASE}`);
    return true;
  });
  let statements = 0;
  await withSession(sandboxConnSettings(sandbox, DEMO_DATABASE), writer, async (session) => {
    await session.query(SCHEMA);
    await session.query(DATA);
    for (let round = 0; round < rounds; round += 1) {
      for (const [sql, params] of WORKLOAD) {
        await session.query(sql, params(round));
        statements += 1;
      }
    }
  });
  return { database: DEMO_DATABASE, created, statements };
}
