// Experiment files built to hurt a YAML reader: alias bombs, deep nesting, huge numbers, empty and
// odd documents. The fuzz test feeds them to the loader, the CLI test to `medtransfer validate`.

/** The YAML "billion laughs": each alias level multiplies the expanded size by ten. */
export function aliasBomb(levels: number): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < levels; level++) {
    const name = String.fromCharCode(97 + level);
    const previous = String.fromCharCode(96 + level);
    lines.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`);
  }
  return `name: bomb\n${lines.join('\n')}\n`;
}

export const HOSTILE = [
  aliasBomb(9),
  aliasBomb(4),
  `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  `${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}`,
  Array.from({ length: 3_000 }, (_, depth) => `${' '.repeat(depth)}k${depth}:`).join('\n'),
  `${'- '.repeat(10_000)}x`,
  `name: big\nseed: ${'9'.repeat(100_000)}\n`,
  '\uFEFF',
  '',
  '   \n\n',
  'null',
  '[]',
  '42',
  '"just a string"',
  '---\nname: a\n---\nname: b\n',
  `name: x\nmodel: &m { architecture: seed-cnn }\nmodel2: *m\n<<: *m\n`,
  '{"name": "json", "model": {"architecture": "seed-cnn"}, "target": {"dataset": {"type": "synthetic"}}, "name": "dup"}',
  '{"name": "json", "model": {"architecture": "seed-cnn", "inputShape": [1e999, -1, 3.5]}}',
];
