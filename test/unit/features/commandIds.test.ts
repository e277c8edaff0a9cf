import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import packageJson from '../../../package.json';
import { CHAT_VIEW_ID, COMMANDS, TEST_COMMANDS } from '../../../src/features/commandIds';

const manifest = packageJson as unknown as {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]>; views: Record<string, { id: string }[]> };
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('command ids', () => {
  it('are the commands package.json contributes, no more and no fewer', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(Object.values(COMMANDS).sort(), contributed);
  });

  it('every menu entry names a contributed command, and the chat view is the one contributed', () => {
    const known = new Set<string>(Object.values(COMMANDS));
    const menuCommands = Object.values(manifest.contributes.menus).flatMap((entries) => entries.map((e) => e.command));
    assert.deepEqual(menuCommands.filter((c) => !known.has(c)), []);
    assert.deepEqual(Object.values(manifest.contributes.views).flat().map((v) => v.id), [CHAT_VIEW_ID]);
  });

  it('src/ spells no command id outside the constants module', () => {
    const ids = [...Object.values(COMMANDS), ...Object.values(TEST_COMMANDS)];
    const root = join(__dirname, '..', '..', '..', 'src');
    const offenders = filesUnder(root)
      .filter((file) => !file.endsWith('commandIds.ts'))
      .flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        return ids.filter((id) => text.includes(`'${id}'`) || text.includes(`"${id}"`)).map((id) => `${file}: '${id}'`);
      });
    assert.deepEqual(offenders, []);
  });
});
