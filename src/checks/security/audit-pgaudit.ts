import { Settings } from "../settings.js";
import { section } from "../snapshot/types.js";
import type { CheckDefinition } from "../types.js";
import { cisSource } from "./cis.js";

/** pgAudit loaded and told what to log. */
export const auditPgaudit: CheckDefinition = {
  id: "audit.pgaudit",
  pillar: "security",
  title: "pgAudit",
  description:
    "pgAudit writes an audit record for each class of statement it is told to (pgaudit.log: ddl, role, write, read, function, " +
    "misc), with the objects it touched, which log_statement cannot. A warning when pgaudit is not in shared_preload_libraries, or " +
    "is loaded with pgaudit.log empty or none (it then logs nothing).",
  source: `${cisSource("audit.pgaudit")}; seed 004 §Security by Design (auditing powered by pgaudit)`,
  needs: ["settings"],
  evaluate({ snapshot }) {
    const settings = new Settings(section(snapshot, "settings"));
    const libraries = settings.list("shared_preload_libraries");
    if (!libraries.includes("pgaudit")) {
      return [
        {
          severity: "warning",
          object: "shared_preload_libraries",
          message: "pgaudit is not loaded: there is no audit log of who read, wrote or changed what.",
          evidence: { shared_preload_libraries: libraries },
          remediation: {
            why: "Install the package (Debian: postgresql-<version>-pgaudit), add it to shared_preload_libraries keeping what is there, restart, then choose what to audit.",
            setting: `shared_preload_libraries = '${[...libraries, "pgaudit"].join(",")}'   # needs a restart\npgaudit.log = 'ddl, role'`,
          },
        },
      ];
    }
    const classes = settings.text("pgaudit.log") ?? "";
    if (classes.trim() !== "" && classes.trim().toLowerCase() !== "none") return [];
    return [
      {
        severity: "warning",
        object: "pgaudit.log",
        message: `pgaudit is loaded but pgaudit.log is ${classes.trim() === "" ? "empty" : "none"}: it audits nothing.`,
        evidence: { shared_preload_libraries: libraries, "pgaudit.log": classes },
        remediation: { why: "ddl and role cover schema and privilege changes at little volume; add write or read only for the data that requires it. A reload applies it.", setting: "pgaudit.log = 'ddl, role'" },
      },
    ];
  },
};
