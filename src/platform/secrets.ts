import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const SecretsSchema = z.object({
  superuserPassword: z.string(),
  ownerPassword: z.string(),
  appPassword: z.string(),
  cookieSecret: z.string(),
  auditSigningKey: z.string(),
  auditVerifyKey: z.string(),
});

/** Credentials and keys that belong to one installation; generated once, kept beside the data (mode 0600). */
export type Secrets = z.infer<typeof SecretsSchema>;

const randomSecret = () => randomBytes(32).toString('base64url');

export function loadOrCreateSecrets(dataDir: string): Secrets {
  const file = path.join(dataDir, 'secrets.json');
  if (fs.existsSync(file)) return SecretsSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const secrets: Secrets = {
    superuserPassword: randomSecret(),
    ownerPassword: randomSecret(),
    appPassword: randomSecret(),
    cookieSecret: randomSecret(),
    auditSigningKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    auditVerifyKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
