/**
 * No secret material in manifests: what the library writes is applied with kubectl, kept in git and shown in
 * CI logs, so a key, a password or a token in it is a leak. Checked on every synthesized object (through
 * validateManifests); each problem names where in the object it is.
 */

/** A PEM block holding a private key (PKCS#1, PKCS#8, EC, encrypted or OpenSSH). */
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/;

/** Names of settings that hold a secret: their value must come from a Secret, never be written in the manifest. */
const SECRET_NAME = /(^|[^A-Z])(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIALS?)([^A-Z]|$)/i;

/** A config file line that sets a password, secret or token to a literal (ini `x = y`, YAML `x: y`). */
const CONFIG_SECRET_LINE = /^[ \t]*([A-Za-z0-9_.-]*(?:password|secret|token)[A-Za-z0-9_.-]*)[ \t]*[:=][ \t]*(\S.*)$/gim;

/** Config values that name no secret: empty, a reference to a file or an environment variable, or a switch. */
const NOT_A_SECRET = /^(""|''|\$__file\{.*\}|\$__env\{.*\}|\$\{.*\}|\/\S+|true|false|\d+[smh]?|anonymous|token|header|openid)$/i;

/** The secret material in one object, each as `<path>: <what>`. */
export function secretMaterial(m: any): string[] {
  const problems: string[] = [];
  if (m?.kind === 'Secret' && (Object.keys(m.data ?? {}).length > 0 || Object.keys(m.stringData ?? {}).length > 0)) {
    problems.push('/data: a Secret with its data written in the manifest: reference a Secret created outside the manifests by name');
  }
  walk(m, '', (path, value, key) => {
    if (typeof value !== 'string') {
      return;
    }
    if (PRIVATE_KEY.test(value)) {
      problems.push(`${path}: a private key`);
    }
    for (const line of path.startsWith('/data/') ? value.matchAll(CONFIG_SECRET_LINE) : []) {
      if (!NOT_A_SECRET.test(line[2].trim())) {
        problems.push(`${path}: '${line[1]}' is set to a literal in a config file`);
      }
    }
    if (key === 'value' && /\/env\/\d+\/value$/.test(path)) {
      const name = valueAt(m, path.replace(/\/value$/, '/name'));
      if (typeof name === 'string' && SECRET_NAME.test(name) && value !== '' && !NOT_A_SECRET.test(value)) {
        problems.push(`${path}: environment variable ${name} is given a literal: take it from a Secret (valueFrom.secretKeyRef)`);
      }
    }
  });
  return problems;
}

function walk(value: any, path: string, visit: (path: string, value: any, key: string) => void, key = ''): void {
  visit(path, value, key);
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      walk(v, `${path}/${k}`, visit, k);
    }
  }
}

function valueAt(m: any, path: string): unknown {
  return path.split('/').slice(1).reduce((v, k) => v?.[k], m);
}
