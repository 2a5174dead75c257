// kube-apiserver's --token-auth-file: a CSV of static bearer tokens, one a line —
// token,user,uid[,"group1,group2"] — read once at start.
import type { UserInfo } from '../registry/service-account-tokens.js';

/** The users of a token file by token; throws with the file's line on a malformed one. */
export function parseTokenFile(text: string, path = 'token file'): Map<string, UserInfo> {
  const users = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const record = parseCsvLine(line);
    if (record.length < 3) throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${record.length} on line ${i + 1}`);
    const [token, username, uid, groups] = record as [string, string, string, string | undefined];
    if (!token) throw new Error(`token file '${path}': empty token on line ${i + 1}`);
    // Later lines win, as the real authenticator's map does (it warns about the duplicate).
    users.set(token, { username, uid, groups: groups ? groups.split(',').filter((g) => g !== '') : [] });
  });
  return users;
}

/** One RFC 4180 record: fields split by commas, a quoted field may hold commas and "" for a quote. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) break;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      while (i < line.length && line[i] !== ',') field += line[i++];
    } else {
      while (i < line.length && line[i] !== ',') field += line[i++];
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}
