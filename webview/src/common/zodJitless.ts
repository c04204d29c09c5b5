// Must be the first import of every webview entry. zod 4 compiles object parsers with
// `new Function` and probes for it when a schema is built (at module load); under the webview's
// CSP (no 'unsafe-eval') the probe fails quietly but still reports a CSP violation. jitless skips
// both. https://zod.dev/packages/core (globalConfig.jitless)
import { z } from 'zod';

z.config({ jitless: true });
