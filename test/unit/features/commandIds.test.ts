import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import packageJson from '../../../package.json';
import { CHAT_VIEW_ID, COMMANDS, TEST_COMMANDS } from '../../../src/features/commandIds';

const manifest = packageJson as unknown as {
  contributes: {
    commands: { command: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    views: Record<string, { id: string }[]>;
    keybindings: { command: string; key: string; mac?: string; when?: string }[];
  };
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
    assert.deepEqual(
      menuCommands.filter((c) => !known.has(c)),
      [],
    );
    assert.deepEqual(
      Object.values(manifest.contributes.views)
        .flat()
        .map((v) => v.id),
      [CHAT_VIEW_ID],
    );
  });

  it('keybindings: chat focus, ask about the selection, run the evals of an eval file — each on a command that exists, where it applies', () => {
    const bindings = manifest.contributes.keybindings;
    const commands = new Set<string>([...Object.values(COMMANDS), `${CHAT_VIEW_ID}.focus`]);
    assert.deepEqual(
      bindings.map((b) => b.command).sort(),
      [COMMANDS.askAboutSelection, `${CHAT_VIEW_ID}.focus`, COMMANDS.runEvalsInFile].sort(),
    );
    for (const binding of bindings) {
      assert.ok(commands.has(binding.command), binding.command);
      assert.ok(binding.mac, `${binding.command} has a macOS key`);
    }
    assert.equal(new Set(bindings.map((b) => b.key)).size, bindings.length, 'no two bindings share a key');
    const ask = bindings.find((b) => b.command === COMMANDS.askAboutSelection);
    assert.match(ask?.when ?? '', /editorHasSelection/);
    // The same files as the editor's "Run Evals in File" menu entry.
    const menuWhen = manifest.contributes.menus['editor/title']?.find((m) => m.command === COMMANDS.runEvalsInFile)?.when ?? '';
    const evalBinding = bindings.find((b) => b.command === COMMANDS.runEvalsInFile);
    assert.ok(menuWhen && evalBinding?.when?.endsWith(menuWhen), `${evalBinding?.when} vs ${menuWhen}`);
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
