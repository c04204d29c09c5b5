// This module's own file and folder. The trainer runs as CommonJS (tsx from source, esbuild's
// CJS bundle as dist/cli.js), where __filename/__dirname exist; in the bundle they name dist/.

export function moduleFile(): string {
  return typeof __filename === 'string' ? __filename : `${process.cwd()}/index.js`;
}

export function moduleDir(): string {
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}
