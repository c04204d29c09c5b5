// Tests that need something a developer's machine may lack (Chromium, dcmtk, a built dist/, a
// WebGPU adapter, Debian's Fashion-MNIST) skip there, with the reason. CI sets
// MEDTRANSFER_REQUIRE_ALL_TESTS=1 (.ci/run): then a missing prerequisite fails the test instead,
// so a green CI never means "skipped". Tests that cannot apply to a machine at all (Linux-only
// /proc checks, a hardware adapter present) skip with plain `skip`, not through here.

const REQUIRED = process.env.MEDTRANSFER_REQUIRE_ALL_TESTS === '1';

function missing(reason: string): Error {
  return new Error(`test prerequisite missing: ${reason} (MEDTRANSFER_REQUIRE_ALL_TESTS=1)`);
}

/** For `describe`/`it` options: the skip reason, false when nothing is missing; throws when all tests are required. */
export function skipIfMissing(reason: string | false): string | false {
  if (reason !== false && REQUIRED) throw missing(reason);
  return reason;
}

/** Inside a running test: skips it with the reason, or fails it when all tests are required. */
export function skipMissing(context: { skip: (message?: string) => void }, reason: string): void {
  if (REQUIRED) throw missing(reason);
  context.skip(reason);
}
