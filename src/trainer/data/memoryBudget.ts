// How many bytes of compact pixels a dataset may hold in memory before it is read from disk a batch
// at a time instead. 1 GiB by default: the pneumonia data at 224×224 in uint8 (5,856 images, 294 MB)
// stays in memory, 20,000 colour images at 224×224 (3 GB) are streamed. MEDTRANSFER_MEMORY_BUDGET
// sets it, in bytes or with a unit (`512M`, `4G`; binary units); 0 streams every dataset that can be.
export const MEMORY_BUDGET_ENV = 'MEDTRANSFER_MEMORY_BUDGET';
export const DEFAULT_MEMORY_BUDGET = 2 ** 30;

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** The budget in bytes from the environment (DEFAULT_MEMORY_BUDGET when unset); a bad value throws, saying what is read. */
export function memoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[MEMORY_BUDGET_ENV]?.trim();
  if (!text) return DEFAULT_MEMORY_BUDGET;
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?$/i.exec(text);
  const unit = UNITS[match?.[2]?.toUpperCase() ?? ''];
  if (!match || unit === undefined)
    throw new Error(
      `${MEMORY_BUDGET_ENV}=${text} is not a size: give bytes, or a number with K, M, G or T (binary), e.g. 512M or 2G`,
    );
  return Math.floor(Number(match[1]) * unit);
}

/** `1.2 GB` (decimal, as file managers show sizes). */
export function describeBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(0)} MB`;
  return `${Math.ceil(bytes / 1e3)} kB`;
}
