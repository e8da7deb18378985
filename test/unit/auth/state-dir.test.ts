import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isConfigError } from '../../../api/config-error.ts';
import { loadLocalCredentials, localCredentialsPath } from '../../../local/auth/local-credentials.ts';
import { assertPrivateStateDir, readOrCreateFile } from '../../../local/auth/state-file.ts';
import { userStateDir } from '../../../local/config.ts';

const root = mkdtempSync(join(tmpdir(), 'asset-api-state-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;

function refusal(dir: string, asUid: number = uid, asGid: number = gid): string {
  try {
    assertPrivateStateDir(dir, asUid, asGid);
    return 'accepted';
  } catch (error) {
    return isConfigError(error) ? error.message : String(error);
  }
}

describe('state folder', () => {
  it('is per user, under the platform cache folder', () => {
    expect([userStateDir('linux', '/home/ada'), userStateDir('darwin', '/Users/ada'), userStateDir('win32', 'C:\\Users\\ada')]).toEqual([
      '/home/ada/.cache/asset-api-local',
      '/Users/ada/Library/Caches/asset-api-local',
      join('C:\\Users\\ada', 'AppData', 'Local', 'asset-api-local'),
    ]);
  });

  it('is created with mode 0700, and key files with 0600', () => {
    const dir = join(root, 'fresh');
    readOrCreateFile(join(dir, 'key.pem'), () => 'secret');
    expect({ dir: statSync(dir).mode & 0o777, file: statSync(join(dir, 'key.pem')).mode & 0o777 }).toEqual({ dir: 0o700, file: 0o600 });
  });

  it('refuses a folder others may write to, with what to do about it', () => {
    const dir = join(root, 'world-writable');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(refusal(dir)).toBe(`state folder ${dir} can be written by other users (mode 777); refusing to trust the keys in it. Run: chmod 700 ${dir}`);
  });

  it("refuses a folder writable by a group that is not the user's own, and accepts the user's own group", () => {
    const dir = join(root, 'group-writable');
    mkdirSync(dir);
    chmodSync(dir, 0o770);
    expect({ foreignGroup: refusal(dir, uid, gid + 1), ownGroup: refusal(dir, uid, gid) }).toEqual({
      foreignGroup: `state folder ${dir} can be written by other users (mode 770); refusing to trust the keys in it. Run: chmod 700 ${dir}`,
      ownGroup: 'accepted',
    });
  });

  it('refuses a folder another user owns, before reading any key from it', () => {
    const dir = join(root, 'planted');
    mkdirSync(dir, { mode: 0o700 });
    // As root the test can hand the folder to another uid; otherwise it asks as if it were another user.
    const owner = uid === 0 ? 4242 : uid;
    if (uid === 0) chownSync(dir, owner, gid);
    const asUid = uid === 0 ? 0 : uid + 1;
    expect(refusal(dir, asUid)).toBe(`state folder ${dir} is owned by uid ${owner}, not by you (uid ${asUid}); refusing to trust the keys in it. Remove it, or choose another folder with --data-dir.`);
    expect(existsSync(join(dir, 'local-issuer-key.pem'))).toBe(false);
  });
});

describe('local IAM credentials', () => {
  it('are generated once per installation (AWS-shaped, mode 0600) and the same on every later start', () => {
    const dir = join(root, 'credentials');
    const first = loadLocalCredentials(dir);
    const again = loadLocalCredentials(dir);
    expect({
      first: { accessKeyId: /^AKIA[A-Z2-7]{16}$/.test(first.accessKeyId), secret: first.secretAccessKey.length },
      again,
      mode: statSync(localCredentialsPath(dir)).mode & 0o777,
    }).toEqual({ first: { accessKeyId: true, secret: 40 }, again: first, mode: 0o600 });
  });

  it('differ between installations, so a published value grants nothing', () => {
    expect(loadLocalCredentials(join(root, 'one')).accessKeyId).not.toBe(loadLocalCredentials(join(root, 'two')).accessKeyId);
  });
});
