// Prettier does not break long strings and template literals, so it cannot hold the line width alone: this
// counts the source lines over the width and fails when they pass the project's share (issue 12's target).
// Usage: node scripts/lineLengths.mjs [--list]
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WIDTH = 120;
const MAX_SHARE = 0.005;
const ROOTS = ['src', 'webview/src'];
const EXTENSIONS = ['.ts', '.mts', '.css'];

const root = fileURLToPath(new URL('..', import.meta.url));

async function* sourceFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (EXTENSIONS.some((ext) => entry.name.endsWith(ext))) yield path;
  }
}

let total = 0;
const long = [];
for (const dir of ROOTS) {
  for await (const file of sourceFiles(join(root, dir))) {
    const lines = (await readFile(file, 'utf8')).split('\n');
    if (lines.at(-1) === '') lines.pop();
    total += lines.length;
    // Characters as an editor counts them (code points), not UTF-16 units.
    lines.forEach((line, i) => {
      const width = [...line].length;
      if (width > WIDTH) long.push({ where: `${relative(root, file)}:${i + 1}`, width });
    });
  }
}

if (process.argv.includes('--list')) {
  for (const { where, width } of long.sort((a, b) => b.width - a.width)) console.log(`${width}\t${where}`);
}
const share = total === 0 ? 0 : long.length / total;
const summary =
  `${long.length} of ${total} lines in ${ROOTS.join(' and ')} are over ${WIDTH} characters ` +
  `(${(share * 100).toFixed(2)}%, at most ${(MAX_SHARE * 100).toFixed(1)}% allowed).`;
if (share > MAX_SHARE) {
  console.error(`${summary} Split long prose into sentences (node scripts/lineLengths.mjs --list names them).`);
  process.exitCode = 1;
} else {
  console.log(summary);
}
