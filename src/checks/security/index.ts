/** @module The security pillar: TLS, passwords, roles and privileges, logging and auditing, network, host; mapped to CIS in cis.ts. */
import type { CheckDefinition } from "../types.js";
import { auditPgaudit } from "./audit-pgaudit.js";
import { functionsSecurityDefiner } from "./functions-security-definer.js";
import { loggingConnections } from "./logging-connections.js";
import { loggingDisconnections } from "./logging-disconnections.js";
import { loggingLinePrefix } from "./logging-line-prefix.js";
import { loggingStatement } from "./logging-statement.js";
import { networkListenAddresses } from "./network-listen-addresses.js";
import { osDataDirectoryPermissions } from "./os-data-directory.js";
import { osExtensionDirectory } from "./os-extension-directory.js";
import { osUmask } from "./os-umask.js";
import { passwordEncryption } from "./password-encryption.js";
import { rolesBypassRls } from "./roles-bypassrls.js";
import { rolesConnectionLimit } from "./roles-connection-limit.js";
import { rolesCreateRoleCreateDb } from "./roles-create-privileges.js";
import { rolesInheritedSuperuser } from "./roles-inherited-superuser.js";
import { rolesMd5Passwords } from "./roles-md5-passwords.js";
import { rolesSuperusers } from "./roles-superusers.js";
import { schemaPublicCreate } from "./schema-public-create.js";
import { sslEnabled } from "./ssl-enabled.js";
import { sslMinProtocolVersion } from "./ssl-min-protocol.js";
import { tlsCertificateExpiry } from "./tls-certificate-expiry.js";

export const securityChecks: readonly CheckDefinition[] = [
  sslEnabled,
  sslMinProtocolVersion,
  tlsCertificateExpiry,
  passwordEncryption,
  rolesMd5Passwords,
  rolesSuperusers,
  rolesInheritedSuperuser,
  rolesBypassRls,
  rolesCreateRoleCreateDb,
  rolesConnectionLimit,
  schemaPublicCreate,
  functionsSecurityDefiner,
  loggingConnections,
  loggingDisconnections,
  loggingLinePrefix,
  loggingStatement,
  auditPgaudit,
  networkListenAddresses,
  osDataDirectoryPermissions,
  osUmask,
  osExtensionDirectory,
];
