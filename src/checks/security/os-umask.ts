import { cisSource } from "./cis.js";
import { osOnlyCheck } from "./os-only.js";

export const osUmask = osOnlyCheck({
  id: "os.umask",
  title: "File creation mask of the server's OS user (on the host)",
  description:
    "Files the server's OS user creates outside the data directory (dumps, scripts, copies of logs) get its umask: it should be " +
    "0077 so no other account can read them. On the host: sudo -iu postgres sh -c umask. Readable only there, so pgready reports " +
    "it skipped, never passed.",
  source: `${cisSource("os.umask")}`,
});
