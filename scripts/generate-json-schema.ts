// Writes dist/experiment.schema.json from the zod schema, for editors (the build runs it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { experimentJsonSchema } from '../src/shared/experiment/jsonSchema';

const target = join(__dirname, '..', 'dist', 'experiment.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
