// Writes dist/experiment.schema.json and dist/study.schema.json from the zod schemas, for editors
// (the build runs it).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { experimentJsonSchema } from '../src/shared/experiment/jsonSchema';
import { studyJsonSchema } from '../src/shared/study/studyJsonSchema';

const target = join(__dirname, '..', 'dist', 'experiment.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
writeFileSync(join(dirname(target), 'study.schema.json'), `${JSON.stringify(studyJsonSchema(), null, 2)}\n`);
