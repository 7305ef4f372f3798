import { wraparoundCheck } from "./wraparound-age.js";

/** Transaction ID age per database and per table, against the 2^31 limit. */
export const wraparoundXid = wraparoundCheck({
  id: "wraparound.xid",
  pillar: "resilience",
  title: "Transaction ID wraparound",
  description:
    "Every write uses a 32-bit transaction ID; rows must be frozen by VACUUM before they are 2^31 IDs old, or PostgreSQL " +
    "stops accepting writes to protect them. Grades age(datfrozenxid) of every database and age(relfrozenxid) of the " +
    "current database's tables: warning at 1.3 billion, critical at 1.4 billion (check_postgres); info once a database is " +
    "past autovacuum_freeze_max_age, where anti-wraparound autovacuum takes over.",
  source: "check_postgres txn_wraparound; PostgreSQL documentation §25.1.5 Preventing Transaction ID Wraparound Failures",
  noun: "transaction ID",
  freezeSetting: "autovacuum_freeze_max_age",
  freezeDefault: 200_000_000,
  databaseAge: (database) => database.xidAge,
  tableAge: (relation) => relation.xidAge,
});
