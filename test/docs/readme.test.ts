/**
 * The README against the code it documents: the Options table lists every option, and the
 * Performance section states each target it misses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

describe('the README', () => {
  // The table promises every option with its default: an option added to SmoothClientOptions
  // must get its row.
  it('the Options table has a row for every option of SmoothClientOptions', () => {
    const options = readFileSync(path.join(root, 'src', 'client', 'options.ts'), 'utf8');
    const body = options.slice(options.indexOf('export interface SmoothClientOptions'), options.indexOf('export interface ResolvedOptions'));
    const names = [...body.matchAll(/^ {2}([a-zA-Z]+)\??:/gm)].map((m) => m[1]);
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### Options'), readme.indexOf('## Operators'));
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((name) => !table.includes(`| \`${name}\` |`))).toEqual([]);
  });

  // Where a target is missed, the note says by how much, why and what would close it: the
  // section names every target (heap per idle connection ≤ 8 KB, per open turn ≤ 2 KB, typical
  // import ≤ 12 KB gzipped without rxjs and ≤ 20 KB with it, 0.95× the floor) and flatness.
  it('the Performance section states each missed target, by how much, why, and what would close it', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Performance'), readme.indexOf('## Development'));
    for (const target of [/≤ ?8 KB/i, /≤ ?2 KB/i, /≤ ?12 KB/i, /≤ ?20 KB/i, /0\.95/, /flat/i]) expect(section).toMatch(target);
  });
});
