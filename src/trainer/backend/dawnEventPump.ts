// Lets synchronous code wait for Dawn. The `webgpu` package (Dawn's Node bindings) settles
// asynchronous WebGPU calls such as GPUBuffer.mapAsync from a native callback that it schedules
// with the global `setImmediate`, looked up on every call, for as long as work is pending
// (AsyncRunner::QueueTick in dawn/src/dawn/node/binding/AsyncRunner.cpp). That callback polls the
// device (ProcessEvents) and marks finished buffer mappings at once; only the promise's reaction
// waits for the event loop. Capturing those callbacks and running them ourselves therefore lets
// tfjs's dataSync() read a GPU buffer without returning to the event loop (webgpuReadSync.ts).

export interface DawnEventPump {
  /** Runs Dawn's scheduled callbacks now (each reschedules itself while work is pending); returns how many ran. */
  pump: () => number;
  /** Puts the original setImmediate back; scheduled callbacks still run on the event loop. */
  uninstall: () => void;
}

interface Scheduled {
  callback: (...args: unknown[]) => void;
  args: unknown[];
  handle: NodeJS.Immediate;
}

type SetImmediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) => NodeJS.Immediate;

/**
 * Wraps globalThis.setImmediate so that callbacks which are native functions without a name
 * (what N-API's Function::New makes: Dawn's ticks) are remembered until they run. Everything else
 * passes straight through, and a pump never runs JavaScript callbacks early.
 */
export function installDawnEventPump(): DawnEventPump {
  const global = globalThis as unknown as {
    setImmediate: SetImmediate;
    clearImmediate: (handle: NodeJS.Immediate) => void;
  };
  const original = global.setImmediate;
  const clear = global.clearImmediate;
  const scheduled = new Set<Scheduled>();
  const wrapper: SetImmediate = (callback, ...args) => {
    if (!isNativeAnonymous(callback)) return original(callback, ...args);
    const entry: Scheduled = {
      callback,
      args,
      handle: original(() => {
        scheduled.delete(entry);
        callback(...args);
      }),
    };
    scheduled.add(entry);
    return entry.handle;
  };
  // util.promisify(setImmediate) reads a symbol-keyed property of the function itself.
  for (const key of Object.getOwnPropertySymbols(original)) {
    Object.defineProperty(wrapper, key, Object.getOwnPropertyDescriptor(original, key) ?? {});
  }
  global.setImmediate = wrapper;
  return {
    pump: () => {
      const due = [...scheduled];
      for (const entry of due) {
        scheduled.delete(entry);
        clear(entry.handle);
        entry.callback(...entry.args);
      }
      return due.length;
    },
    uninstall: () => {
      // Someone may have wrapped it after us: then leave theirs (which calls ours) in place.
      if (global.setImmediate === wrapper) global.setImmediate = original;
    },
  };
}

function isNativeAnonymous(callback: unknown): boolean {
  return (
    typeof callback === 'function' &&
    callback.name === '' &&
    Function.prototype.toString.call(callback).includes('[native code]')
  );
}
