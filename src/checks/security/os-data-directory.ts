import { cisSource } from "./cis.js";
import { osOnlyCheck } from "./os-only.js";

export const osDataDirectoryPermissions = osOnlyCheck({
  id: "os.data_directory_permissions",
  title: "Data directory permissions (on the host)",
  description:
    "The data directory must be mode 0700 (0750 with initdb --allow-group-access) and owned by the server's OS user, never root: " +
    "anyone who can read it reads every table and the password verifiers. On the host: stat -c '%a %U:%G' \"$PGDATA\" " +
    "(SHOW data_directory names it). Readable only there, so pgready reports it skipped, never passed.",
  source: `${cisSource("os.data_directory_permissions")}`,
});
