// One value as one bash word, whatever it holds (spaces, quotes, `$`, `;`, newlines): inside single
// quotes bash reads nothing, and a single quote is closed, escaped and reopened. Only NUL cannot
// be carried by a shell word, so it is refused.

export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error(`${JSON.stringify(value)} holds a NUL character, which no shell word can`);
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
