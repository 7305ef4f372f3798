import { wraparoundCheck } from "./wraparound-age.js";

/**
 * Multixact ID age per database and per table. Multixacts (row locks shared by several transactions,
 * foreign key checks) wrap at the same 2^31, so check_postgres's transaction ID thresholds apply as they are.
 */
export const wraparoundMxid = wraparoundCheck({
  id: "wraparound.mxid",
  pillar: "resilience",
  title: "Multixact ID wraparound",
  description:
    "Rows locked by more than one transaction at once (SELECT … FOR SHARE, foreign key checks) carry a 32-bit multixact " +
    "ID, which must be frozen before it is 2^31 IDs old, like a transaction ID. Grades mxid_age(datminmxid) of every " +
    "database and mxid_age(relminmxid) of the current database's tables: warning at 1.3 billion, critical at 1.4 billion; " +
    "info once past autovacuum_multixact_freeze_max_age.",
  source: "PostgreSQL documentation §25.1.5.1 Multixacts and Wraparound; check_postgres txn_wraparound thresholds",
  noun: "multixact ID",
  freezeSetting: "autovacuum_multixact_freeze_max_age",
  freezeDefault: 400_000_000,
  databaseAge: (database) => database.mxidAge,
  tableAge: (relation) => relation.mxidAge,
});
