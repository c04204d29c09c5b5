// What the user reads when "Install GPU Backend…" ends, from npm's real output: no network for
// libtensorflow (recorded on a machine that reaches the npm registry but not storage.googleapis.com),
// no registry, another failure; and after a success.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INSTALLABLE_BACKENDS, packageName } from '../../../../src/extension/backends/installableBackends';
import type { InstallableBackend } from '../../../../src/extension/backends/installableBackends';
import {
  installFailureMessage,
  installSuccessMessage,
  outputTail,
  unreachableHost,
} from '../../../../src/extension/backends/installMessages';

function backend(id: InstallableBackend['backend']): InstallableBackend {
  const found = INSTALLABLE_BACKENDS.find((candidate) => candidate.backend === id);
  if (found === undefined) throw new Error(id);
  return found;
}

/** `npm install --prefix /tmp/bk @tensorflow/tfjs-node@4.22.0` here, verbatim (npm 11.19, Node 20.20). */
const LIBTENSORFLOW_OFFLINE =
  `npm warn Unknown user config "nodedir". This will stop working in the next major version of npm. See \`npm help npmrc\` for supported config options.
npm error code 1
npm error path /tmp/bk/node_modules/@tensorflow/tfjs-node
npm error command failed
npm error command sh -c node scripts/install.js
npm error CPU-linux-4.22.0.tar.gz
npm error https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz
npm error * Downloading libtensorflow
npm error node:events:502
npm error       throw er; // Unhandled 'error' event
npm error       ^
npm error
npm error Error: getaddrinfo ENOTFOUND storage.googleapis.com
npm error     at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:122:26)
npm error Emitted 'error' event on ClientRequest instance at:
npm error     at emitErrorEvent (node:_http_client:101:11)
npm error     at TLSSocket.socketErrorListener (node:_http_client:504:5)
npm error     at process.processTicksAndRejections (node:internal/process/task_queues:82:21) {
npm error   errno: -3008,
npm error   code: 'ENOTFOUND',
npm error   syscall: 'getaddrinfo',
npm error   hostname: 'storage.googleapis.com'
npm error }
npm error
npm error Node.js v20.20.2
npm error A complete log of this run can be found in: /root/.npm/_logs/2026-11-24T18_49_03_070Z-debug-0.log`.split(
    '\n',
  );

/** The same npm with a registry that refuses connections. */
const REGISTRY_UNREACHABLE = `npm error code ECONNREFUSED
npm error syscall connect
npm error errno ECONNREFUSED
npm error FetchError: request to http://127.0.0.1:9/webgpu failed, reason: connect ECONNREFUSED 127.0.0.1:9
npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/node_modules/minipass-fetch/lib/index.js:130:14)
npm error     at process.processTicksAndRejections (node:internal/process/task_queues:83:21) {
npm error   code: 'ECONNREFUSED',
npm error   errno: 'ECONNREFUSED',
npm error   syscall: 'connect',
npm error   address: '127.0.0.1',
npm error   port: 9,
npm error   type: 'system',
npm error   requiredBy: '.'
npm error }
npm error
npm error If you are behind a proxy, please make sure that the 'proxy' config is set properly.  See: 'npm help config'`.split(
  '\n',
);

const COMMAND = 'npm install --save-exact --prefix /g/backends @tensorflow/tfjs-node-gpu@4.22.0';

describe('installFailureMessage', () => {
  it('says clearly that tfjs-node’s install downloads libtensorflow from storage.googleapis.com, which this network does not reach', () => {
    const message =
      installFailureMessage(
        backend('tensorflow-gpu'),
        { kind: 'failed', code: 1, signal: null, output: LIBTENSORFLOW_OFFLINE },
        COMMAND,
      ) ?? '';
    assert.match(
      message,
      /^MedTransfer: installing @tensorflow\/tfjs-node-gpu@4\.22\.0 failed: its install downloads libtensorflow from storage\.googleapis\.com, after the package itself from the npm registry, and this machine's network does not allow it \(storage\.googleapis\.com could not be reached\)\./,
    );
    assert.match(message, /medtransfer\.backendPaths; meanwhile wasm trains on the CPU\./);
    assert.ok(
      message.endsWith(
        'npm said: command failed ⏎ command sh -c node scripts/install.js ⏎ CPU-linux-4.22.0.tar.gz ⏎ https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz ⏎ * Downloading libtensorflow ⏎ Error: getaddrinfo ENOTFOUND storage.googleapis.com',
      ),
      message,
    );
  });

  it('blames the registry when npm itself could not fetch the packages', () => {
    const message =
      installFailureMessage(
        backend('webgpu'),
        { kind: 'failed', code: 1, signal: null, output: REGISTRY_UNREACHABLE },
        COMMAND,
      ) ?? '';
    assert.match(
      message,
      /^MedTransfer: installing webgpu \+ @tensorflow\/tfjs-backend-webgpu@4\.22\.0 failed: the npm registry could not be reached from this machine \(127\.0\.0\.1 could not be reached\)/,
    );
    assert.match(message, /FetchError: request to http:\/\/127\.0\.0\.1:9\/webgpu failed/);
    assert.doesNotMatch(message, /requiredBy|ClientRequest/);
  });

  it('gives the exit code, the command and npm’s last lines for other failures', () => {
    const output = [
      'npm error code EACCES',
      'npm error syscall mkdir',
      'npm error path /g/backends/node_modules',
      "npm error Error: EACCES: permission denied, mkdir '/g/backends/node_modules'",
    ];
    const message =
      installFailureMessage(backend('tensorflow'), { kind: 'failed', code: 243, signal: null, output }, COMMAND) ?? '';
    assert.match(
      message,
      /^MedTransfer: installing @tensorflow\/tfjs-node@4\.22\.0 failed \(exit code 243\)\. The command was: npm install .*\. npm said: code EACCES ⏎ .*permission denied/,
    );
  });

  it('says when npm could not be started, and nothing when the user cancelled', () => {
    assert.match(
      installFailureMessage(
        backend('tensorflow'),
        { kind: 'not-started', error: '/x/npm could not be started: spawn /x/npm ENOENT' },
        COMMAND,
      ) ?? '',
      /could not install .*ENOENT/,
    );
    assert.equal(installFailureMessage(backend('tensorflow'), { kind: 'cancelled' }, COMMAND), undefined);
  });
});

describe('install messages’ pieces', () => {
  it('keeps the meaningful tail of npm’s output', () => {
    assert.deepEqual(outputTail(LIBTENSORFLOW_OFFLINE, 2), [
      '* Downloading libtensorflow',
      'Error: getaddrinfo ENOTFOUND storage.googleapis.com',
    ]);
  });

  it('finds the host that could not be reached', () => {
    assert.equal(unreachableHost(LIBTENSORFLOW_OFFLINE), 'storage.googleapis.com');
    assert.equal(
      unreachableHost([
        'npm error network request to https://registry.npmjs.org/webgpu failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org',
      ]),
      'registry.npmjs.org',
    );
    assert.equal(unreachableHost(['npm error code 1']), undefined);
  });

  it('offers to use the backend after a success, warning about CUDA for the GPU one', () => {
    assert.match(
      installSuccessMessage(backend('tensorflow-gpu'), '/g/backends/node_modules'),
      /installed in \/g\/backends\/node_modules; new runs find it\. It uses the GPU only where the CUDA 11\.2 and cuDNN 8\.1 libraries are found.*Use it for new runs\?$/,
    );
  });

  it('lists the three backends with pinned tfjs versions', () => {
    assert.deepEqual(
      INSTALLABLE_BACKENDS.map((candidate) => [candidate.backend, candidate.packages.map(packageName)]),
      [
        ['tensorflow-gpu', ['@tensorflow/tfjs-node-gpu']],
        ['tensorflow', ['@tensorflow/tfjs-node']],
        ['webgpu', ['webgpu', '@tensorflow/tfjs-backend-webgpu']],
      ],
    );
    for (const candidate of INSTALLABLE_BACKENDS) {
      for (const spec of candidate.packages.filter((item) => item.startsWith('@tensorflow/')))
        assert.match(spec, /@4\.22\.0$/);
    }
  });
});
