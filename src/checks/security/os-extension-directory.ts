import { cisSource } from "./cis.js";
import { osOnlyCheck } from "./os-only.js";

export const osExtensionDirectory = osOnlyCheck({
  id: "os.extension_directory",
  title: "Extension directory ownership and permissions (on the host)",
  description:
    "Whoever can write the extension directory can replace an extension's SQL script, which CREATE EXTENSION then runs as a " +
    "superuser. It should be owned by root and mode 0755. On the host: ls -ld \"$(pg_config --sharedir)/extension\". Readable only " +
    "there, so pgready reports it skipped, never passed.",
  source: `${cisSource("os.extension_directory")}`,
});
