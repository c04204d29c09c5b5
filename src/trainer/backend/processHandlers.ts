// tfjs-backend-wasm's Emscripten loader, in Node, adds process handlers for 'uncaughtException'
// and 'unhandledRejection' that rethrow (Emscripten's NODEJS_CATCH_EXIT / NODEJS_CATCH_REJECTION).
// A rethrow from inside such a handler makes Node print the throwing source line, here the
// whole minified loader (tens of kilobytes), and exit with code 7 instead of the app's own
// error handling. Dropping the handlers it added restores Node's normal behaviour; tfjs itself
// removes them only when the wasm module is disposed (post.js, `listenersAdded`).

/** Runs `action`, then removes the process error handlers that it added. */
export async function withoutNewProcessHandlers<T>(action: () => Promise<T>): Promise<T> {
  const exceptionHandlers = new Set(process.listeners('uncaughtException'));
  const rejectionHandlers = new Set(process.listeners('unhandledRejection'));
  try {
    return await action();
  } finally {
    for (const handler of process.listeners('uncaughtException')) {
      if (!exceptionHandlers.has(handler)) process.removeListener('uncaughtException', handler);
    }
    for (const handler of process.listeners('unhandledRejection')) {
      if (!rejectionHandlers.has(handler)) process.removeListener('unhandledRejection', handler);
    }
  }
}
